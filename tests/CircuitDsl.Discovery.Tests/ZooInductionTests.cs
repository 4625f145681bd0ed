using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// The shipped induction model (zoo:attn-only-2l; L0.H0 is its previous-token head, L1.H0 and L1.H1 its induction heads,
/// see hypotheses/induction-paths.circuit): discovery finds the induction circuit, and the attribution methods are
/// compared with exact patching by rank correlation over every edge.
/// </summary>
public class ZooInductionTests
{
    static LoadedModel zoo = null!;
    static EdgeDiscovery discovery = null!;
    static EdgeScores exact = null!;

    [OneTimeSetUp]
    public static void Build()
    {
        zoo = ZooCatalog.Load("zoo:attn-only-2l");
        var data = RepeatedTokensData.Create(new RepeatedTokensTask(), 64, 5);
        discovery = new EdgeDiscovery(zoo.Model, new DiscoverySettings(data, MetricSpec.Loss(PositionSet.Named("repeated"))) { Seed = 5 });
        exact = discovery.Exact();
    }

    [OneTimeTearDown]
    public static void Free()
    {
        discovery.Dispose();
        zoo.Dispose();
    }

    static readonly Edge[] InductionEdges =
    [
        new(Component.Head(0, 0), Component.Head(1, 0, Channel.Key)),
        new(Component.Head(0, 0), Component.Head(1, 1, Channel.Key)),
        new(Component.Head(1, 0), Component.Logits),
        new(Component.Head(1, 1), Component.Logits),
    ];

    static void Print(EdgeScores scores, int count = 16) =>
        TestContext.Out.WriteLine($"{scores.Method}:\n" + string.Join("\n", scores.Ranked().Take(count).Select((p, i) => $"  {i + 1,2}. {p.Edge}: {p.Score:G4}")));

    [Test]
    public void ExactPatchingRanksTheInductionCircuitAmongItsTopEdges()
    {
        Print(exact, 42);
        var top = exact.Top(16);
        Assert.That(top, Is.SupersetOf(InductionEdges));
    }

    [TestCase(DiscoveryMethod.Eap)]
    [TestCase(DiscoveryMethod.EapIg)]
    public void AttributionAgreesWithExactPatching(DiscoveryMethod method)
    {
        var scores = method == DiscoveryMethod.Eap ? discovery.Eap() : discovery.EapIg(5);
        Print(scores);
        double signed = RankCorrelation.Spearman(scores.Scores, exact.Scores);
        double magnitude = RankCorrelation.Spearman([.. scores.Scores.Select(Math.Abs)], [.. exact.Scores.Select(Math.Abs)]);
        TestContext.Out.WriteLine($"{method} against exact, Spearman over {exact.Scores.Length} edges: signed {signed:F3}, |score| {magnitude:F3}");
        Assert.That(scores.Top(16), Is.SupersetOf(InductionEdges));
        Assert.That(magnitude, Is.GreaterThan(0.6));
    }

    [Test]
    public void TheFaithfulnessCurveOfExactPatchingRisesToOne()
    {
        var curve = FaithfulnessCurve.Of(discovery, exact);
        TestContext.Out.WriteLine("by |score|: " + string.Join(", ", curve.ByMagnitude.Select(p => $"{p.Fraction:P1} ({p.Edges}) {p.Faithfulness:F3}")));
        TestContext.Out.WriteLine($"CPR {curve.Cpr:F3}, CMD {curve.Cmd:F3}");
        Assert.That(curve.ByMagnitude[^1].Faithfulness, Is.EqualTo(1).Within(1e-6)); // every edge kept is the model
        Assert.That(curve.ByMagnitude[0].Edges, Is.EqualTo(1));
        Assert.That(curve.Cmd, Is.InRange(0, 0.5));
        Assert.That(curve.Cpr, Is.InRange(0.5, 1.0));
    }

    [Test]
    public void SpeculativeAcdcDecidesAsOneEdgeAtATime()
    {
        var one = discovery.Acdc(tau: 0.02, speculate: 1);
        var stacked = discovery.Acdc(tau: 0.02, speculate: 16);
        Assert.That(stacked.KeptEdges(), Is.EqualTo(one.KeptEdges()));
        Assert.That(stacked.Scores, Is.EqualTo(one.Scores).Within(1e-5));
    }

    [Test]
    public void AcdcKeepsTheInductionCircuit()
    {
        var scores = discovery.Acdc(tau: 0.01);
        var kept = scores.KeptEdges();
        TestContext.Out.WriteLine($"ACDC kept {kept.Count} of {discovery.Graph.Count}: {string.Join("; ", kept)}");
        var (f, circuit, full, empty) = discovery.Faithfulness(kept);
        TestContext.Out.WriteLine($"faithfulness {f:F3} (m(C) {circuit:F3}, m(N) {full:F3}, m(empty) {empty:F3})");
        Assert.That(kept, Is.SupersetOf(InductionEdges));
        Assert.That(f, Is.GreaterThan(0.9));
    }
}
