using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;

namespace CircuitDsl.Interventions.Tests.KnownCircuits;

/// <summary>Ground truth (anchors §6 D): on a model whose circuit is known by construction, the true hypothesis recovers ~100%.</summary>
[TestFixture]
public class HandSetInductionTests
{
    static readonly CausalVariable Token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
    static readonly CausalVariable PrevToken = CausalVariable.Of("prev_token", x => x.Tokens[x.Pos - 1]);
    static readonly CausalVariable NextToken = CausalVariable.Of("next_token", x => x.Tokens[x.Pos + 1]);
    static readonly Component Induction = Component.Head(1, 0);

    ExperimentResult result = null!;

    static ScrubHypothesis Hypothesis(string name, Component? keyHead, bool valuesFromEmbed = true)
    {
        var induction = InterpretationNode.Of("induction", Induction).Computing(NextToken)
            .From(InterpretationNode.Of("embed→q", Component.Embed), Channel.Query, Token);
        if (keyHead is { } k)
            induction = induction.From(InterpretationNode.Of("prev_head", k).Computing(PrevToken)
                .From(InterpretationNode.Of("embed→prev", Component.Embed), agreeingOn: PrevToken), Channel.Key);
        if (valuesFromEmbed)
            induction = induction.From(InterpretationNode.Of("embed→v", Component.Embed), Channel.Value, Token);
        return new ScrubHypothesis(name, InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction));
    }

    [OneTimeSetUp]
    public void Run()
    {
        using var model = HandSetInduction.Create();
        var baseline = ScrubBaseline.ResampleInputsOf(Induction);
        var checks = new Check[]
        {
            new ModelCheck("model"),
            new ScrubCheck("true", Hypothesis("true", Component.Head(0, 0)), baseline),
            new ScrubCheck("no key path", Hypothesis("no key path", null), baseline),
            new ScrubCheck("key from the wrong head", Hypothesis("wrong head", Component.Head(0, 1)), baseline),
            new ScrubCheck("no value path", Hypothesis("no value path", Component.Head(0, 0), valuesFromEmbed: false), baseline),
        };
        var plan = new ExperimentPlan("hand-set", HandSetInduction.Data(128, 5), MetricSpec.Loss(PositionSet.Named("repeated")), [.. checks]) { Seed = 1 };
        result = new ExperimentRunner(model).Run(plan);
        foreach (var c in result.Checks.Skip(1))
            TestContext.Progress.WriteLine($"hand-set {c.Name}: recovers {c[Statistic.Recovers]}");
    }

    [Test]
    public void TheModelImplementsInduction() => Assert.That(result["model"][Statistic.Metric].High, Is.LessThan(0.05));

    [Test]
    public void TheTrueHypothesisRecoversAtLeast99Percent() =>
        Assert.That(result["true"][Statistic.Recovers].Value, Is.GreaterThanOrEqualTo(0.99), result["true"][Statistic.Recovers].ToString());

    [TestCase("no key path")]
    [TestCase("key from the wrong head")]
    [TestCase("no value path")]
    public void EachMutilatedHypothesisRecoversClearlyLess(string check) =>
        Assert.That(result[check][Statistic.Recovers].High, Is.LessThan(0.7), result[check][Statistic.Recovers].ToString());
}
