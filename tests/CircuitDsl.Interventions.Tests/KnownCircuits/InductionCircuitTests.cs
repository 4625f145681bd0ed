using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using static CircuitDsl.Interventions.Tests.KnownCircuits.InductionHypotheses;

namespace CircuitDsl.Interventions.Tests.KnownCircuits;

/// <summary>
/// The known circuit of the shipped attn-only-2l model under causal scrubbing, loss at repeated positions, against
/// Chan et al.'s induction baseline (every input of both induction heads resampled).
/// </summary>
[TestFixture]
public class InductionCircuitTests
{
    ExperimentResult result = null!;

    [OneTimeSetUp]
    public void Run()
    {
        var checks = new Check[]
        {
            new ScrubCheck("naive", Naive(Component.Head(0, 0)), Baseline),
            new ScrubCheck("refined", Refined(), Baseline) { Expect = new Expectation(Statistic.Recovers, ComparisonOperator.GreaterOrEqual, 0.90) },
            new ScrubCheck("refined, key path dropped", Refined(dropKeyPath: true), Baseline),
            new ScrubCheck("refined, key from the wrong head", Refined(Component.Head(0, 1)), Baseline),
        };
        var plan = new ExperimentPlan("induction", ZooData.RepeatedTokens(256, 11), Metric, [.. checks]) { Seed = 3 };
        result = new ExperimentRunner(ZooData.AttnOnly2L.Model).Run(plan);
        foreach (var c in result.Checks)
            TestContext.Progress.WriteLine($"{c.Name}: recovers {c[Statistic.Recovers]}, iia {c[Statistic.Iia]}");
    }

    [Test]
    public void TheRefinedHypothesisRecoversAtLeast90Percent()
    {
        Assert.That(result["refined"].Expectation!.Passed, Is.True, result["refined"][Statistic.Recovers].ToString());
        Assert.That(result["refined"][Statistic.Recovers].Low, Is.GreaterThanOrEqualTo(0.90));
    }

    [Test]
    public void TheNaiveHypothesisRecoversLessThanTheRefinedOne()
    {
        // The numbers behind the refinement: the naive claim's interval lies wholly below the refined one's.
        Assert.That(result["naive"][Statistic.Recovers].High, Is.LessThan(result["refined"][Statistic.Recovers].Low));
        Assert.That(result["naive"][Statistic.Recovers].Value, Is.GreaterThan(0.5), "the naive claim still explains most of the loss");
    }

    [TestCase("refined, key path dropped")]
    [TestCase("refined, key from the wrong head")]
    public void BreakingTheKeyPathLosesMostOfTheExplanation(string check)
    {
        var broken = result[check];
        var refined = result["refined"];
        // Per-example agreement collapses (the aggregate hides how little is explained: see the README).
        Assert.That(broken[Statistic.Iia].Value, Is.LessThanOrEqualTo(0.30), broken[Statistic.Iia].ToString());
        Assert.That(broken[Statistic.Recovers].High, Is.LessThanOrEqualTo(refined[Statistic.Recovers].Low - 0.30), broken[Statistic.Recovers].ToString());
        // Worse than predicting uniformly: the scrubbed model is confidently wrong.
        Assert.That(broken[Statistic.Metric].Low, Is.GreaterThan(Math.Log(64)));
    }

    [Test]
    public void EveryCheckReportsItsBaselineSeedAndSampleCount()
    {
        foreach (var c in result.Checks)
        {
            Assert.That(c.Method["baseline"], Is.EqualTo("resample all inputs of L1.H0, L1.H1"));
            Assert.That(c.Seed, Is.EqualTo(3));
            Assert.That(c[Statistic.Recovers].Examples, Is.EqualTo(256));
            Assert.That(c.PerExampleAgreement, Has.Count.EqualTo(256));
        }
    }
}
