namespace CircuitDsl.Cli.Init;

/// <summary>What `circuit init` writes: one working hypothesis on a shipped model, a workflow that runs the
/// CircuitDsl action, and the attributes line for .circuit files.</summary>
public static class InitTemplates
{
    /// <summary>The action a scaffolded workflow uses (action.yml at the root of CircuitDsl's repository).</summary>
    public const string ActionReference = "circuitdsl/circuitdsl@v1";

    public const string HypothesisPath = "hypotheses/induction.circuit";
    public const string WorkflowPath = ".github/workflows/circuits.yml";
    public const string GitAttributesPath = ".gitattributes";

    /// <summary>One layout for every checkout: `circuit fmt --check` keeps LF or CRLF, but reviewers diff one.</summary>
    public const string GitAttributesLine = "*.circuit text eol=lf";

    /// <summary>The refined induction claim of CircuitDsl's own hypotheses, which holds on the shipped model.</summary>
    public const string Hypothesis = """
        // A claim about zoo:attn-only-2l, the 2-layer attention-only model that ships with CircuitDsl: it predicts
        // repeated tokens with an induction circuit. `circuit check hypotheses` measures it (it recovers about 0.93 of
        // the loss its baseline destroys); `circuit fmt hypotheses` lays files out; the language reference is
        // grammar/language-reference.md in CircuitDsl's repository. For a model of your own, `model PATH` names its
        // folder; for your own prompts, `data jsonl("prompts.jsonl", ...)`.

        model zoo:attn-only-2l
        data repeated_tokens(count: 256, seed: 11)
        metric loss at repeated

        ablation resample
        unmapped resample

        let token = x.Tokens[x.Pos]
        let prev_token = x.Tokens[x.Pos - 1]
        let next_token = x.Tokens[x.Pos + 1]

        group induction_heads = L1.H0, L1.H1

        hypothesis induction "L0.H0 is a previous-token head feeding the induction heads' keys; values read layer 0 too" {
          baseline resample induction_heads

          node out = logits
            from induction
          node induction = induction_heads computes next_token
            q from embed agreeing on token
            k from prev_head
            v from embed agreeing on token
            v from L0.H0, L0.H1
          node prev_head = L0.H0 computes prev_token
            from embed agreeing on prev_token

          expect scrub recovers >= 0.90
        }

        """;

    /// <summary>A workflow that checks the hypotheses on every push and pull request.</summary>
    public const string Workflow = $$"""
        # Checks the hypotheses on every push and pull request: formatting, every expectation, GitHub annotations,
        # reports as an artifact, and on pull requests what changed in each claim (the step summary).
        name: circuits
        on:
          pull_request:
          push:
            branches: [main]

        jobs:
          check:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
              - uses: {{ActionReference}}
                with:
                  paths: hypotheses

        """;
}
