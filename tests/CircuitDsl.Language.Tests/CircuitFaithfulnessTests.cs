using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// `expect circuit faithfulness`: it parses and formats like every expectation, and the binder gives it the
/// hypothesis's own edges (from clauses and path claims) or refuses what the edge graph cannot express.
/// </summary>
public class CircuitFaithfulnessTests
{
    private const string Induction = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\n";

    private const string InductionGraph =
        "  node out = logits\n    from induction\n  node induction = L1.H0, L1.H1\n    q from embed\n    k from prev_head\n    v from embed\n" +
        "  node prev_head = L0.H0\n    from embed\n";

    private static BoundExpectation Circuit(string source)
    {
        var result = TestSupport.Analyze(source);
        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, result.RenderText());
        return result.File!.Hypotheses.Single().Expectations.Single(e => e.Subject == ExpectationSubject.Circuit);
    }

    [TestCase("expect circuit faithfulness >= 0.8", Statistic.Faithfulness, 0.8)]
    [TestCase("expect circuit faithfulness >= 80%", Statistic.Faithfulness, 0.8)]
    [TestCase("expect circuit metric <= 0.5", Statistic.Metric, 0.5)]
    public void TheStatementParsesBindsAndIsCanonical(string statement, Statistic statistic, double threshold)
    {
        string source = Induction + "\nhypothesis h {\n" + InductionGraph + "  " + statement + "\n}\n";

        var expectation = Circuit(source);

        Assert.That(expectation.Statistic, Is.EqualTo(statistic));
        Assert.That(expectation.Threshold, Is.EqualTo(threshold).Within(1e-12));
        Assert.That(expectation.Text, Is.EqualTo(statement));
        Assert.That(CircuitFormatter.Format(CircuitParser.Parse(source, "main.circuit")), Is.EqualTo(source));
    }

    [Test]
    public void ACircuitHasNoOtherStatistic()
    {
        var result = TestSupport.Analyze(Induction + "hypothesis h {\n" + InductionGraph + "  expect circuit recovers >= 0.8\n}\n");

        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain("CD1001"), result.RenderText());
    }

    [Test]
    public void TheGraphsFromClausesAreItsEdges()
    {
        var expectation = Circuit(Induction + "hypothesis h {\n" + InductionGraph + "  expect circuit faithfulness >= 0.8\n}\n");

        // Receivers in computation order, then senders: a clause without a channel feeds all three of a head's inputs.
        Assert.That(expectation.Edges.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "embed -> L0.H0.q", "embed -> L0.H0.k", "embed -> L0.H0.v",
            "embed -> L1.H0.q", "L0.H0 -> L1.H0.k", "embed -> L1.H0.v",
            "embed -> L1.H1.q", "L0.H0 -> L1.H1.k", "embed -> L1.H1.v",
            "L1.H0 -> logits", "L1.H1 -> logits",
        }));
    }

    [Test]
    public void PathClaimsAddAnEdgePerStepAndNodesOnAnInputReceiveThere()
    {
        var expectation = Circuit("model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, S) at END\nhypothesis h {\n" +
            "  node out = logits\n    from keys, mlp\n  node keys = L2.H1.k\n    from L0.H3\n  node mlp = L0.mlp\n    from embed\n" +
            "  expect path L1.H0 -> L2.H1.k -> logits effect <= -0.1\n  expect path L0.H3 -> L2.H1.k effect <= -0.1\n" +
            "  expect circuit faithfulness >= 0.5\n}\n");

        // The node `keys` maps an input: it receives there, and sends as its head (L2.H1 -> logits); the second
        // path repeats an edge of the graph, which counts once.
        Assert.That(expectation.Edges.Select(e => e.ToString()), Is.EquivalentTo(new[]
        {
            "embed -> L0.mlp", "L0.H3 -> L2.H1.k", "L1.H0 -> L2.H1.k", "L2.H1 -> logits", "L0.mlp -> logits",
        }));
    }

    [Test]
    public void PositionsOnAnEdgeAreRefusedWhereTheyAreWritten()
    {
        var result = TestSupport.Analyze(Induction + "hypothesis h {\n  node out = logits\n    from L1.H0 at repeated\n" +
            "  expect path L0.H0 at 3 -> L1.H0.k effect <= -0.1\n  expect circuit faithfulness >= 0.8\n}\n");

        var refused = result.Diagnostics.Where(d => d.Code == "CD2051").ToList();
        Assert.That(refused.Select(d => (d.Span.Line, d.Span.Column)), Is.EqualTo(new[] { (6, 16), (7, 21) }), result.RenderText());
        Assert.That(refused[0].Message, Does.Contain("a 'from' clause of node 'out'").And.Contain("'at repeated'"));
    }

    [Test]
    public void PositionsAreFineWithoutACircuitClaim()
    {
        var result = TestSupport.Analyze(Induction + "hypothesis h {\n  expect path L0.H0 at 3 -> L1.H0.k effect <= -0.1\n}\n");

        Assert.That(result.Diagnostics.Where(d => d.IsError), Is.Empty, result.RenderText());
    }

    [Test]
    public void APerGroupMeanIsRefusedAtTheAblation()
    {
        var result = TestSupport.Analyze("model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, S) at END\nablation mean per template\n" +
            "hypothesis h {\n  node out = logits\n    from L9.H9\n  expect circuit faithfulness >= 0.5\n}\n");

        var refused = result.Diagnostics.Single(d => d.Code == "CD2053");
        Assert.That((refused.Span.Line, refused.Span.Column), Is.EqualTo((4, 1)));
        Assert.That(refused.Message, Does.Contain("'ablation mean per template'"));
    }

    [Test]
    public void TheDefaultAblationIsNotWarnedAbout()
    {
        var result = TestSupport.Analyze(Induction + "hypothesis h {\n" + InductionGraph + "  expect circuit faithfulness >= 0.8\n}\n");

        Assert.That(result.Diagnostics, Is.Empty, result.RenderText());
    }

    [TestCase("zoo:sandwich-2l")]
    [TestCase("zoo:parallel-2l")]
    [TestCase("zoo:gqa-2l")]
    public void EveryArchitectureBindsACircuit(string model)
    {
        var result = TestSupport.Analyze($"model {model}\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {{\n  node out = logits\n    from L1.H0\n  expect circuit faithfulness >= 0.8\n}}\n");

        Assert.That(result.Diagnostics, Is.Empty, result.RenderText());
        var circuit = result.File!.Hypotheses.Single().Expectations.Single(e => e.Subject == ExpectationSubject.Circuit);
        Assert.That(circuit.Edges.Select(e => e.ToString()), Is.EqualTo(new[] { "L1.H0 -> logits" }));
    }

    [Test]
    public void UnderGroupedQueryAttentionAKeyInputIsItsGroupsOneEdge()
    {
        // Groups H0-H1 and H2-H3: L1.H3.k is key/value head 1's input, which the edge graph names L1.H2.k; the two
        // heads' identical claims are one edge, and a path into L1.H1.v is key/value head 0's.
        var expectation = Circuit("model zoo:gqa-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n" +
            "  node out = logits\n    from heads\n  node heads = L1.H2, L1.H3\n    k from L0.H0\n" +
            "  expect path L0.H1 -> L1.H0, L1.H1 -> logits effect <= -0.1\n  expect circuit faithfulness >= 0.8\n}\n");

        Assert.That(expectation.Edges.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "L0.H1 -> L1.H0.q", "L0.H1 -> L1.H0.k", "L0.H1 -> L1.H0.v", "L0.H1 -> L1.H1.q",
            "L0.H0 -> L1.H2.k",
            "L1.H0 -> logits", "L1.H1 -> logits", "L1.H2 -> logits", "L1.H3 -> logits",
        }));
    }

    [Test]
    public void InAParallelBlockAHeadIsRefusedAsAnEdgeIntoItsLayersMlp()
    {
        // The edge graph has no L1.H0 -> L1.mlp (the MLP reads the block's input): the binder says so, and only that.
        var result = TestSupport.Analyze("model zoo:parallel-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n" +
            "  node out = logits\n    from m\n  node m = L1.mlp\n    from L0.H0, L1.H0\n  expect circuit faithfulness >= 0.8\n}\n");

        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "CD2042" }), result.RenderText());
        var fine = Circuit("model zoo:parallel-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n" +
            "  node out = logits\n    from m\n  node m = L1.mlp\n    from L0.H0, L0.mlp\n  expect circuit faithfulness >= 0.8\n}\n");
        Assert.That(fine.Edges.Select(e => e.ToString()), Is.EqualTo(new[] { "L0.H0 -> L1.mlp", "L0.mlp -> L1.mlp", "L1.mlp -> logits" }));
    }
}
