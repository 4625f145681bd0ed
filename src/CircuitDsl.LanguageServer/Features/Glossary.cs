namespace CircuitDsl.LanguageServer.Features;

/// <summary>What the language's words mean, for hovers and completion details (the language reference's definitions).</summary>
internal static class Glossary
{
    /// <summary>The statistic a word names, as a check of a subject reports it.</summary>
    public static string? Statistic(string subject, string word) => (subject, word) switch
    {
        ("knockout", "recovers") => "**recovers** (knockout): metric with everything outside the circuit ablated / metric of the model, Wang et al.'s F(C)/F(M). Only meaningful for a metric that is larger when there is more of the behaviour (`logit_diff`, `accuracy`).",
        (_, "recovers") => "**recovers**: the recovered fraction, (metric of baseline − metric of intervention) / (metric of baseline − metric of model). 1 means the claim explains all of the behaviour, 0 no more than the baseline.",
        (_, "effect") => "**effect**: the normalised path-patching effect, (patched − clean) / (clean − corrupted): 0 means unaffected, −1 destroyed.",
        (_, "faithfulness") => "**faithfulness**: MIB's circuit faithfulness, (m(C) − m(∅)) / (m(N) − m(∅)): every edge of the edge graph outside the hypothesis's own edges ablated (m(C)), none (m(N)), all (m(∅)). 1 means the circuit alone gives the model's metric.",
        ("circuit", "metric") => "**metric** (circuit): m(C), the metric with every edge outside the hypothesis's own edges ablated.",
        ("model", "metric") => "**metric**: the metric of the unmodified model.",
        (_, "metric") => "**metric**: the metric of the intervened run.",
        _ => null,
    };

    /// <summary>What an expectation's subject measures.</summary>
    public static string? Subject(string word) => word switch
    {
        "scrub" => "**scrub**: causal scrubbing of the hypothesis's interpretation graph (statistics: `recovers`, `metric`).",
        "knockout" => "**knockout**: ablating every head and MLP outside the nodes' components (or the components, with `direction complement`); statistics: `recovers`, `metric`.",
        "path" => "**path**: path patching, the senders patched from the counterfactual into the receivers, everything after them recomputed (statistics: `effect`, `metric`).",
        "model" => "**model**: the unmodified model (statistic: `metric`).",
        "circuit" => "**circuit**: the hypothesis's own edges (its `from` clauses and path claims) as a circuit on the edge graph, every other edge ablated at every position (statistics: `faithfulness`, `metric`).",
        _ => null,
    };

    /// <summary>What a metric measures.</summary>
    public static string? Metric(string word) => word switch
    {
        "loss" => "**loss**: the cross-entropy of the next token at the metric's positions (lower is better).",
        "logit_diff" => "**logit_diff(A, B)**: the logit of answer A minus the logit of answer B (the data's first answer minus its second).",
        "kl" => "**kl**: the KL divergence of the run's next-token distribution from the unmodified model's (lower is better).",
        "accuracy" => "**accuracy**: the share of positions whose top prediction is the right token.",
        _ => null,
    };

    /// <summary>The metric kinds, in the order completion offers them.</summary>
    public static readonly string[] Metrics = ["loss", "logit_diff", "kl", "accuracy"];

    /// <summary>The built-in components.</summary>
    public static string Builtin(string word) => word switch
    {
        "embed" => "**embed**: the token embedding.",
        "pos_embed" => "**pos_embed**: the positional embedding.",
        _ => "**logits**: the output, the final residual stream as the unembedding reads it.",
    };
}
