using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Running;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// The methods on the Llama-, NeoX- and Gemma-2-like random models (<see cref="ArchitectureEdgeTests"/> has their graphs
/// and the mechanism): EAP against finite differences, ACDC, `expect circuit faithfulness` through the engine,
/// per-position EAP, the memory estimate, and edges against the language's path claims.
/// </summary>
public class ArchitectureMethodTests
{
    static IEnumerable<ModelConfig> Families => FamilyModels.All;

    [TestCaseSource(nameof(Families))]
    public void EapIsTheFirstOrderChangeOfEachEdge(ModelConfig config)
    {
        // EAP's score is the mask's gradient at 0; the central difference of the mean metric in each edge's mask entry
        // (±ε, every other edge clean) is its derivative up to O(ε²) and float32 noise.
        using var model = FamilyModels.Create(config);
        using var discovery = new EdgeDiscovery(model, FamilyModels.Settings(FamilyModels.Data(config)));
        using var scope = NewDisposeScope();
        var eap = discovery.Eap();
        var graph = discovery.Graph;
        const float epsilon = 1e-2f;
        var masks = zeros(2 * graph.Count, graph.Count);
        for (int e = 0; e < graph.Count; e++)
        {
            masks[2 * e, e] = epsilon;
            masks[(2 * e) + 1, e] = -epsilon;
        }
        var metric = discovery.Evaluate(discovery.Settings.Metric, masks, EvaluationMode.FromEmbeddings);
        double largest = eap.Scores.Max(Math.Abs);
        for (int e = 0; e < graph.Count; e++)
        {
            double derivative = (metric[2 * e] - metric[(2 * e) + 1]) / (2 * epsilon);
            Assert.That(eap.Scores[e], Is.EqualTo(derivative).Within(2e-3 * largest + (0.02 * Math.Abs(derivative))), graph.Edges[e].ToString());
        }
    }

    [TestCaseSource(nameof(Families))]
    public void AcdcRunsAndTheFullAndEmptyCircuitsAreOneAndZero(ModelConfig config)
    {
        using var model = FamilyModels.Create(config);
        using var discovery = new EdgeDiscovery(model, FamilyModels.Settings(FamilyModels.Data(config)));
        var acdc = discovery.Acdc(tau: 0.02);
        var kept = acdc.KeptEdges();
        // Resumed from the tested receiver's layer on the cached clean stream (the default) decides as from the embeddings.
        Assert.That(discovery.Acdc(tau: 0.02, mode: EvaluationMode.FromEmbeddings).KeptEdges(), Is.EqualTo(kept));
        // Candidates stacked speculatively, as on a GPU: the same decisions.
        Assert.That(discovery.Acdc(tau: 0.02, speculate: 4).KeptEdges(), Is.EqualTo(kept));
        Assert.That(kept.Count, Is.InRange(1, discovery.Graph.Count - 1), "random weights: some edges matter, some do not");
        Assert.That(discovery.Faithfulness(discovery.Graph.Edges).Faithfulness, Is.EqualTo(1).Within(1e-5));
        Assert.That(discovery.Faithfulness([]).Faithfulness, Is.EqualTo(0).Within(1e-5));
        Assert.That(discovery.Faithfulness(kept).Faithfulness, Is.Not.NaN);
    }

    [TestCase(DiscoveryMethod.Exact)]
    [TestCase(DiscoveryMethod.Acdc)]
    public void TheMemoryEstimateCountsKAndVPerKeyValueHead(DiscoveryMethod method)
    {
        // The Llama-like model against its twin with a key/value head per query head: the same senders (caches), 190
        // against 262 edges (mask), and per layer and row-position 2 fewer k and 2 fewer v split inputs, four copies
        // each, doubled: 16·2·24 floats a layer.
        var gqa = RandomModels.LlamaLike;
        var mha = gqa with { Name = "llama-like-mha", KeyValueHeads = null };
        var settings = FamilyModels.Settings(FamilyModels.Data(gqa)) with { Method = method };
        var (small, large) = (MemoryEstimate.For(gqa, EdgeGraph.For(gqa), settings), MemoryEstimate.For(mha, EdgeGraph.For(mha), settings));
        Assert.That((EdgeGraph.For(gqa).Count, EdgeGraph.For(mha).Count), Is.EqualTo((190, 262)));
        Assert.That(small.CacheBytes, Is.EqualTo(large.CacheBytes));
        Assert.That(small.MaskBytes * 262, Is.EqualTo(large.MaskBytes * 190));
        Assert.That(small.ForwardRows, Is.EqualTo(large.ForwardRows));
        long positions = settings.Data.Length;
        Assert.That(large.ForwardBytes - small.ForwardBytes, Is.EqualTo(small.ForwardRows * positions * gqa.Layers * 16 * 2 * gqa.DModel * sizeof(float)));
    }

    [TestCaseSource(nameof(Families))]
    public void ExpectCircuitFaithfulnessRunsAndIsTheNumberDiscoveryGives(ModelConfig config)
    {
        using var model = FamilyModels.Create(config);
        var settings = FamilyModels.Settings(FamilyModels.Data(config, 24));
        using var discovery = new EdgeDiscovery(model, settings);
        var top = discovery.Exact().Top(12).Append(new Edge(Component.Embed, Component.Head(1, 2, Channel.Key))).Distinct().ToArray();
        // The plan may name a key/value input by any head of its group, as the language does: L1.H3.k is L1.H2.k.
        var named = top.Select(e => e.Receiver is { Channel: Channel.Key or Channel.Value } r && config.QueriesPerKvHead > 1
            ? new CircuitEdge(e.Sender, r with { HeadIndex = r.HeadIndex + 1 })
            : new CircuitEdge(e.Sender, e.Receiver)).ToArray();
        CheckResult Run(CircuitEdge[] edges) => new ExperimentRunner(model) { Circuits = new CircuitFaithfulness() }
            .Run(new ExperimentPlan("family", settings.Data, settings.Metric, [new CircuitFaithfulnessCheck("circuit", [.. edges], AblationKind.Resample)])
            {
                Seed = settings.Seed, BatchSize = settings.BatchSize, Counterfactual = settings.Counterfactual,
            }).Checks.Single();

        var result = Run(named);
        Assert.That(result[Statistic.Faithfulness].Value, Is.EqualTo(discovery.Faithfulness(top).Faithfulness).Within(1e-6));
        Assert.That(result.Method["circuit"], Does.StartWith($"{top.Length} of {discovery.Graph.Count} edges"));
        var whole = Run([.. discovery.Graph.Edges.Select(e => new CircuitEdge(e.Sender, e.Receiver))]);
        Assert.That(whole[Statistic.Faithfulness].Value, Is.EqualTo(1).Within(1e-5));
    }

    [Test]
    public void OnAnAttentionOnlyGroupedQueryModelEachEdgeIsItsPathClaim()
    {
        // Without MLPs a path S -> R carries only the edge. A draft's claim into a key/value head's input names the
        // whole group (`L0.H1 -> L1.H2.k, L1.H3.k`), which path patching patches as that one input: the edge.
        var config = RandomModels.LlamaLike with { Name = "llama-attn-only-test", DMlp = 0, GatedMlp = false };
        using var model = FamilyModels.Create(config);
        var settings = FamilyModels.Settings(FamilyModels.Data(config, 24));
        using var discovery = new EdgeDiscovery(model, settings);
        var exact = discovery.Exact();
        var graph = discovery.Graph;
        var claimed = graph.Edges.Where(e => e.Receiver.Kind is ComponentKind.Head or ComponentKind.Logits).Where((_, i) => i % 3 == 0).ToArray();
        var checks = claimed.Select((e, i) => (Check)new PathPatchCheck($"edge {i}",
            PathPatchSpec.Of([PatchEndpoint.At(e.Sender)], [.. graph.ReadersOf(e.Receiver).Select(h => PatchEndpoint.At(e.Receiver.Channel == Channel.Output ? e.Receiver : h with { Channel = e.Receiver.Channel }))]))).ToArray();
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("paths", settings.Data, settings.Metric, [.. checks])
        {
            Seed = settings.Seed, BatchSize = settings.BatchSize, Counterfactual = settings.Counterfactual,
        });
        Assert.That(claimed.Count(e => e.Receiver.Channel is Channel.Key or Channel.Value), Is.GreaterThan(5));
        for (int i = 0; i < claimed.Length; i++)
            Assert.That(result[$"edge {i}"][Statistic.Metric].Value - exact.CleanMetric, Is.EqualTo(exact[claimed[i]]).Within(2e-5 + (1e-4 * Math.Abs(exact[claimed[i]]))), claimed[i].ToString());
    }

    [TestCaseSource(nameof(Families))]
    public void PerPositionEapAddsUpToTheAllPositionScore(ModelConfig config)
    {
        // EAP is linear in the mask, so each edge's buckets (END, MID, the other positions) split its score exactly.
        using var model = FamilyModels.Create(config);
        var settings = FamilyModels.Settings(FamilyModels.Data(config));
        using var whole = new EdgeDiscovery(model, settings);
        using var split = new EdgeDiscovery(model, settings with { Positions = EdgePositions.Of(["END", "MID"]) });
        var (all, buckets) = (whole.Eap(), split.Eap());
        double largest = all.Scores.Max(Math.Abs);
        for (int e = 0; e < whole.Graph.Count; e++)
        {
            var edge = whole.Graph.Edges[e];
            double sum = split.Graph.IndicesOf(edge.Sender, edge.Receiver).Sum(i => buckets.Scores[i]);
            Assert.That(sum, Is.EqualTo(all.Scores[e]).Within(1e-5 * largest), edge.ToString());
        }
    }
}
