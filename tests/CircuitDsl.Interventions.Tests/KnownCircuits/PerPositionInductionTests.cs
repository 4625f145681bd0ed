using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using static CircuitDsl.Interventions.Tests.KnownCircuits.InductionHypotheses;

namespace CircuitDsl.Interventions.Tests.KnownCircuits;

/// <summary>
/// The shipped attn-only-2l model's induction hypotheses with one source per node copy and position: the claims
/// per position (token, previous token, next token) now resample the queries, and the induction heads' own sources,
/// position by position instead of keeping the reference wherever the vector over all positions is unique.
/// </summary>
[TestFixture]
public class PerPositionInductionTests
{
    ExperimentResult result = null!;

    static ScrubHypothesis PerPosition(ScrubHypothesis h) => h with { Name = h.Name + " per position", Resampling = ResamplingGranularity.PerPosition };

    [OneTimeSetUp]
    public void Run()
    {
        var checks = new Check[]
        {
            new ScrubCheck("refined", Refined(), Baseline),
            new ScrubCheck("refined per position", PerPosition(Refined()), Baseline),
            new ScrubCheck("key path dropped per position", PerPosition(Refined(dropKeyPath: true)), Baseline),
        };
        var plan = new ExperimentPlan("induction per position", ZooData.RepeatedTokens(64, 11), Metric, [.. checks]) { Seed = 3 };
        result = new ExperimentRunner(ZooData.AttnOnly2L.Model).Run(plan);
        foreach (var c in result.Checks)
            TestContext.Progress.WriteLine($"{c.Name}: recovers {c[Statistic.Recovers]}, iia {c[Statistic.Iia]}, draws {c.Method["conditional draws"]}");
    }

    [Test]
    public void Runs() => Assert.Pass();
}
