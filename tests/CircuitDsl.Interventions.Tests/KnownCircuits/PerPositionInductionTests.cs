using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using static CircuitDsl.Interventions.Tests.KnownCircuits.InductionHypotheses;
using static CircuitDsl.Interventions.Tests.Scrubbing.PerPositionResamplingTests;

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
            new ScrubCheck("refined, key path dropped, per position", PerPosition(Refined(dropKeyPath: true)), Baseline),
            new ScrubCheck("parity per example", OneDrawPerCopy(FirstParity, InductionHeads, Component.Head(0, 0), ResamplingGranularity.PerExample), Baseline),
            new ScrubCheck("parity per position", OneDrawPerCopy(FirstParity, InductionHeads, Component.Head(0, 0), ResamplingGranularity.PerPosition), Baseline),
        };
        var plan = new ExperimentPlan("induction per position", ZooData.RepeatedTokens(128, 11), Metric, [.. checks]) { Seed = 3 };
        result = new ExperimentRunner(ZooData.AttnOnly2L.Model).Run(plan);
        foreach (var c in result.Checks)
            TestContext.Progress.WriteLine($"{c.Name}: recovers {c[Statistic.Recovers]}, iia {c[Statistic.Iia]}, draws {c.Method["conditional draws"]}");
    }

    static readonly CausalVariable FirstParity = CausalVariable.Of("first_parity", x => x.Tokens[0] % 2);

    [Test]
    public void PerPositionResamplingSeesThroughClaimsThatPerExampleResamplingCannotTest()
    {
        // Per example, every draw of the refined hypothesis comes from a class of one (the vector of tokens over
        // all positions is unique), so the scrub keeps the reference; per position most draws take another example.
        var perExample = result["refined"];
        var perPosition = result["refined per position"];
        Assert.That(perExample.Method["conditional draws"], Does.Match(@"^(\d+) \(\1 from classes of one"));
        Assert.That(perPosition.Method["resampling"], Does.StartWith("per position"));
        var draws = System.Text.RegularExpressions.Regex.Match(perPosition.Method["conditional draws"], @"^(\d+) \((\d+) ");
        Assert.That(double.Parse(draws.Groups[2].Value) / double.Parse(draws.Groups[1].Value), Is.LessThan(0.5), perPosition.Method["conditional draws"]);
        Assert.That(perPosition[Statistic.Recovers].Value, Is.InRange(0.5, 1.0));
        Assert.That(perPosition[Statistic.Metric].Value, Is.Not.EqualTo(perExample[Statistic.Metric].Value));
    }

    [Test]
    public void TheRefinedHypothesisStillSeparatesFromTheBrokenOnePerPosition()
    {
        var refined = result["refined per position"];
        var broken = result["refined, key path dropped, per position"];
        Assert.That(broken[Statistic.Recovers].High, Is.LessThanOrEqualTo(refined[Statistic.Recovers].Low - 0.30), broken[Statistic.Recovers].ToString());
        Assert.That(broken[Statistic.Iia].Value, Is.LessThanOrEqualTo(0.30));
    }

    [Test]
    public void AVariableConstantPerExampleGivesThePerExampleNumberInExpectation()
    {
        // Parity of the first token says nothing of the sequence: the scrub costs most of the loss either way, and
        // both ways draw each position's sources from the same classes, so they agree up to noise.
        var perExample = result["parity per example"][Statistic.Recovers];
        var perPosition = result["parity per position"][Statistic.Recovers];
        double halfWidths = (perExample.High - perExample.Low + perPosition.High - perPosition.Low) / 2;
        Assert.That(Math.Abs(perExample.Value - perPosition.Value), Is.LessThan(halfWidths), $"{perExample} against {perPosition}");
        Assert.That(perExample.Value, Is.LessThan(0.5), "the claim is false, so the comparison is not between two numbers near 1");
    }
}
