using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Discovery.Tests;

/// <summary>On a model whose circuit is known by construction, every method finds exactly that circuit.</summary>
public class HandSetCircuitTests
{
    static HookedTransformer model = null!;
    static EdgeDiscovery discovery = null!;

    [OneTimeSetUp]
    public static void Build()
    {
        model = HandSetCircuit.Create();
        var settings = new DiscoverySettings(HandSetCircuit.Data(64, 3), MetricSpec.Loss(PositionSet.Named("repeated"))) { Seed = 1, BatchSize = 32 };
        discovery = new EdgeDiscovery(model, settings);
    }

    [OneTimeTearDown]
    public static void Free()
    {
        discovery.Dispose();
        model.Dispose();
    }

    static string Names(IEnumerable<Edge> edges) => string.Join("; ", edges.Select(e => e.ToString()).Order(StringComparer.Ordinal));

    [Test]
    public void TheGraphHasEveryEdgeOnce()
    {
        // Senders: embed, pos_embed, 4 heads. Layer 0's 6 inputs read 2 senders, layer 1's 6 read 4, the logits read 6.
        Assert.That(discovery.Graph.Count, Is.EqualTo(6 * 2 + 6 * 4 + 6));
        Assert.That(discovery.Graph.Edges, Is.Unique);
        Assert.That(discovery.Graph.Edges.All(e => discovery.Graph.Feeds(e.Sender, e.Receiver)));
    }

    [Test]
    public void Gpt2SmallHasTheEdgesMibCounts()
    {
        var config = new ModelConfig { Name = "gpt2-small shape", Layers = 12, Heads = 12, DModel = 768, DHead = 64, DMlp = 3072, VocabSize = 50257, ContextLength = 1024 };
        var graph = EdgeGraph.For(config);
        // MIB's GPT-2 small graph has 32,491 edges with one input node; the position embedding adds one edge per receiver.
        Assert.That(graph.Count - graph.Receivers.Length, Is.EqualTo(32_491));
        Assert.That(graph.Senders, Has.Length.EqualTo(158));
    }

    [TestCase(DiscoveryMethod.Exact)]
    [TestCase(DiscoveryMethod.Eap)]
    [TestCase(DiscoveryMethod.EapIg)]
    public void ScoringMethodsGiveTheCircuitAndNothingElse(DiscoveryMethod method)
    {
        var scores = method switch
        {
            DiscoveryMethod.Exact => discovery.Exact(),
            DiscoveryMethod.Eap => discovery.Eap(),
            _ => discovery.EapIg(5),
        };
        TestContext.Out.WriteLine(string.Join("\n", scores.Ranked().Take(8).Select(p => $"{p.Edge}: {p.Score:G4}")));
        Assert.That(Names(scores.AtLeast(1e-6)), Is.EqualTo(Names(HandSetCircuit.Circuit)));
        Assert.That(Names(scores.Top(HandSetCircuit.Circuit.Length)), Is.EqualTo(Names(HandSetCircuit.Circuit)));
        // Edges outside the circuit are exactly zero, not merely small.
        Assert.That(discovery.Graph.Edges.Except(HandSetCircuit.Circuit).Select(e => scores[e]), Has.All.EqualTo(0));
    }

    [Test]
    public void AcdcKeepsTheCircuit()
    {
        var scores = discovery.Acdc(tau: 1e-3);
        Assert.That(Names(scores.KeptEdges()), Is.EqualTo(Names(HandSetCircuit.Circuit)));
    }

    [Test]
    public void TheCircuitIsFaithfulAndTheEmptyCircuitIsNot()
    {
        var (faithfulness, circuit, full, empty) = discovery.Faithfulness(HandSetCircuit.Circuit);
        TestContext.Out.WriteLine($"f = {faithfulness}, m(C) = {circuit}, m(N) = {full}, m(empty) = {empty}");
        Assert.That(faithfulness, Is.EqualTo(1).Within(1e-5));
        Assert.That(empty, Is.GreaterThan(full + 0.5));
    }
}
