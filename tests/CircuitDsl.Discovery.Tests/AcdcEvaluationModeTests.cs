using CircuitDsl.TestSupport;
using CircuitDsl;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// ACDC's edge tests computed three ways (from the embeddings with every position's logits, as the definition runs
/// them; resumed at the receiver's layer; resumed with logits only at the metric's rows) score every mask alike and
/// make the same decisions. zoo:ioi-2l has MLPs and a metric at one position (END) of many, so the sparse path drops
/// most rows there.
/// </summary>
public class AcdcEvaluationModeTests
{
    static LoadedModel zoo = null!;
    static EdgeDiscovery discovery = null!;

    [OneTimeSetUp]
    public static void Build()
    {
        zoo = ZooCatalog.Load("zoo:ioi-2l");
        var data = IoiData.Create(new IoiTask(), 16, 11, IoiCounterfactual.Abc);
        discovery = new EdgeDiscovery(zoo.Model, new DiscoverySettings(data, MetricSpec.LogitDiff(PositionSet.Named("END")))
            { Counterfactual = CounterfactualSource.Paired, BatchSize = 12 }); // two batches, the second short
    }

    [OneTimeTearDown]
    public static void Free()
    {
        discovery.Dispose();
        zoo.Dispose();
    }

    [Test]
    public void EveryModeScoresAMaskAlike()
    {
        // Variants: nothing ablated, edges into the logits only, into the last layer and on, and random masks.
        int edges = discovery.Graph.Count;
        var random = new Random(3);
        using var masks = zeros(5, edges);
        var into = discovery.Graph.Edges.Select((e, i) => (e, i)).ToArray();
        foreach (var (e, i) in into)
        {
            if (e.Receiver.Kind == ComponentKind.Logits) masks[1, i] = 1;
            if (e.Receiver.Kind == ComponentKind.Logits || e.Receiver.Layer == 1) masks[2, i] = random.Next(2);
            masks[3, i] = random.Next(2);
            masks[4, i] = random.NextDouble() < 0.1 ? 1 : 0;
        }
        foreach (var spec in new[] { discovery.Settings.EffectiveAcdcMetric, discovery.Settings.Metric })
        {
            var full = discovery.Evaluate(spec, masks, EvaluationMode.FromEmbeddings);
            var resumed = discovery.Evaluate(spec, masks, EvaluationMode.Resumed);
            var sparse = discovery.Evaluate(spec, masks, EvaluationMode.Sparse);
            TestContext.Out.WriteLine($"{spec}: {string.Join(", ", full.Select(x => x.ToString("G6")))}");
            Assert.That(resumed, Is.EqualTo(full).Within(1e-5));
            Assert.That(sparse, Is.EqualTo(full).Within(1e-5));
            Assert.That(full.Distinct().Count(), Is.GreaterThan(3), "the masks change the metric");
        }
    }

    [Test]
    public void ARunResumesAtTheEarliestReceiverWithAnAblatedEdge()
    {
        var graph = discovery.Graph;
        var run = new Running.EdgePatchRun(zoo.Model, graph);
        int Start(params int[][] variants)
        {
            using var mask = zeros(variants.Length, graph.Count);
            for (int v = 0; v < variants.Length; v++)
                foreach (int e in variants[v]) mask[v, e] = 1;
            return run.StartLayer(mask);
        }
        int intoLogits = graph.IndexOf(new Graph.Edge(Component.Head(1, 0), Component.Logits));
        int intoLayer1 = graph.IndexOf(new Graph.Edge(Component.Head(0, 0), Component.Head(1, 2, Channel.Key)));
        int intoLayer0 = graph.IndexOf(new Graph.Edge(Component.Embed, Component.Head(0, 1, Channel.Value)));
        Assert.That(Start([]), Is.EqualTo(2), "nothing ablated: only the unembedding");
        Assert.That(Start([intoLogits]), Is.EqualTo(2));
        Assert.That(Start([intoLogits, intoLayer1]), Is.EqualTo(1));
        Assert.That(Start([intoLogits], [intoLayer0]), Is.EqualTo(0), "the earliest over every variant");
    }

    [Test]
    public void AcdcDecidesAlikeInEveryMode()
    {
        long before = LiveTensors.Count();
        var full = discovery.Acdc(tau: 0.05, mode: EvaluationMode.FromEmbeddings);
        var resumed = discovery.Acdc(tau: 0.05, mode: EvaluationMode.Resumed);
        var sparse = discovery.Acdc(tau: 0.05);
        var stacked = discovery.Acdc(tau: 0.05, speculate: 8);
        Assert.That(Tensor.TotalCount, Is.LessThanOrEqualTo(before), "every test's tensors are freed (earlier garbage may be finalized meanwhile)");
        int kept = full.KeptEdges().Count;
        TestContext.Out.WriteLine($"kept {kept} of {discovery.Graph.Count}");
        Assert.That(kept, Is.InRange(1, discovery.Graph.Count - 1), "tau splits the edges");
        foreach (var other in new[] { resumed, sparse, stacked })
        {
            Assert.That(other.KeptEdges(), Is.EqualTo(full.KeptEdges()));
            Assert.That(other.Scores, Is.EqualTo(full.Scores).Within(1e-5));
        }
    }
}
