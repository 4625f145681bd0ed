using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// EAP and EAP-IG (5 steps) against exact edge patching on every edge of each zoo model, on its hypothesis file's task
/// and metric: Spearman's rank correlation of the signed scores and of |score| (the ranking selection uses).
/// </summary>
public class ZooRankCorrelationTests
{
    static IEnumerable<TestCaseData> Models()
    {
        yield return new TestCaseData("zoo:attn-only-2l", 0.9).SetName("AttnOnly2L");
        yield return new TestCaseData("zoo:ioi-2l", 0.6).SetName("Ioi2L");
        yield return new TestCaseData("zoo:parens-3l", 0.5).SetName("Parens3L");
    }

    static (Dataset Data, MetricSpec Metric, CounterfactualSource X) Task(string model) => model switch
    {
        "zoo:attn-only-2l" => (RepeatedTokensData.Create(new RepeatedTokensTask(), 64, 5), MetricSpec.Loss(PositionSet.Named("repeated")), CounterfactualSource.Resampled),
        "zoo:ioi-2l" => (IoiData.Create(new IoiTask(), 64, 11, IoiCounterfactual.Abc), MetricSpec.LogitDiff(PositionSet.Named("END")), CounterfactualSource.Paired),
        _ => (ParensData.Create(new ParensTask(), 32, 11), MetricSpec.LogitDiff(PositionSet.Named("END")), CounterfactualSource.Resampled),
    };

    [TestCaseSource(nameof(Models))]
    public void AttributionRanksEdgesAsExactPatchingDoes(string name, double floor)
    {
        using var zoo = ZooCatalog.Load(name);
        var (data, metric, x) = Task(name);
        using var discovery = new EdgeDiscovery(zoo.Model, new DiscoverySettings(data, metric) { Seed = 5, Counterfactual = x });
        var exact = discovery.Exact();
        foreach (var scores in new[] { discovery.Eap(), discovery.EapIg(5) })
        {
            double signed = RankCorrelation.Spearman(scores.Scores, exact.Scores);
            double magnitude = RankCorrelation.Spearman([.. scores.Scores.Select(Math.Abs)], [.. exact.Scores.Select(Math.Abs)]);
            int overlap = scores.Top(10).Intersect(exact.Top(10)).Count();
            TestContext.Out.WriteLine($"{name} ({discovery.Graph.Count} edges, {data.Count} examples): {scores.Method} against exact: Spearman signed {signed:F3}, |score| {magnitude:F3}; top-10 overlap {overlap}/10");
            Assert.That(magnitude, Is.GreaterThan(floor));
        }
    }

    /// <summary>
    /// CPR ranks the edges that help first: for a logit difference (m(N) above m(∅)) those whose ablation lowers the
    /// metric, for a loss those whose ablation raises it. Ranked the other way, the curve stays near 0 until half the
    /// edges are kept and CPR is about 0.25 (the last trapezoid).
    /// </summary>
    [TestCase("zoo:ioi-2l")]
    [TestCase("zoo:attn-only-2l")]
    public void CprKeepsTheEdgesThatHelpFirstWhicheverWayTheMetricPoints(string name)
    {
        using var zoo = ZooCatalog.Load(name);
        var (data, metric, x) = Task(name);
        using var discovery = new EdgeDiscovery(zoo.Model, new DiscoverySettings(data, metric) { Seed = 5, Counterfactual = x });
        var curve = FaithfulnessCurve.Of(discovery, discovery.Exact());
        TestContext.Out.WriteLine($"{name}: by signed score " + string.Join(", ", curve.BySignedScore.Select(p => $"{p.Fraction:P1} {p.Faithfulness:F3}")) + $"; CPR {curve.Cpr:F3}");
        Assert.That(curve.BySignedScore[^2].Faithfulness, Is.GreaterThan(0.8), "the helpful half of the edges carries the behaviour");
        Assert.That(curve.Cpr, Is.GreaterThan(0.5));
    }

    /// <summary>ACDC scores in KL (a rise means the edge helps), whatever the file's metric: CPR orients by that metric, not the file's.</summary>
    [Test]
    public void CprOfAcdcOnALogitDifferenceKeepsTheEdgesWhoseRemovalRaisedTheKlFirst()
    {
        using var zoo = ZooCatalog.Load("zoo:ioi-2l");
        var (data, metric, x) = Task("zoo:ioi-2l");
        using var discovery = new EdgeDiscovery(zoo.Model, new DiscoverySettings(data, metric) { Seed = 5, Counterfactual = x });
        var curve = FaithfulnessCurve.Of(discovery, discovery.Acdc(tau: 0.05));
        TestContext.Out.WriteLine("ACDC by signed score " + string.Join(", ", curve.BySignedScore.Select(p => $"{p.Fraction:P1} {p.Faithfulness:F3}")) + $"; CPR {curve.Cpr:F3}");
        Assert.That(curve.BySignedScore[^2].Faithfulness, Is.GreaterThan(0.8), "the half of the edges whose removal raised the KL most carries the behaviour");
        Assert.That(curve.Cpr, Is.GreaterThan(0.5));
    }
}
