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
/// The edge graph on grouped-query attention (Llama-like), parallel blocks (NeoX-like) and sandwich norms with
/// grouped-query attention (Gemma-2-like), random weights with random biases and norm weights: its edges, and the
/// mechanism's invariants against forwards written here by hand from the caches.
/// </summary>
public class ArchitectureEdgeTests
{
    static IEnumerable<ModelConfig> Families => FamilyModels.All;

    // Hand counts. Llama- and Gemma-like: per layer 4 q, 2 k and 2 v receivers reading 1 + 5l senders, an MLP reading
    // 5 + 5l, the logits 16: 8·(1 + 6 + 11) + (5 + 10 + 15) + 16. NeoX-like: 9 head receivers reading 1 + 4l, an MLP
    // beside them reading 1 + 4l too, the logits 13: 9·(1 + 5 + 9) + (1 + 5 + 9) + 13.
    [TestCase("llama-like-test", 190)]
    [TestCase("neox-like-test", 163)]
    [TestCase("gemma2-like-test", 190)]
    public void TheGraphHasTheFamilysEdges(string name, int count)
    {
        var config = FamilyModels.All.Single(c => c.Name == name);
        var graph = EdgeGraph.For(config);
        Assert.That(graph.Count, Is.EqualTo(count));
        foreach (var edge in graph.Edges)
        {
            if (edge.Receiver is { Kind: ComponentKind.Head, Channel: Channel.Key or Channel.Value } kv)
                Assert.That(kv.HeadIndex % config.QueriesPerKvHead, Is.Zero, $"{edge}: one k and v receiver per key/value head");
            if (config.ParallelResidual && edge.Receiver.Kind == ComponentKind.Mlp)
                Assert.That(edge.Sender.Layer, Is.LessThan(edge.Receiver.Layer), $"{edge}: a parallel block's MLP reads the block's input");
        }
        Assert.That(graph.Canonical(Component.Head(1, 3, Channel.Key)), Is.EqualTo(config.KvHeads == config.Heads ? Component.Head(1, 3, Channel.Key) : Component.Head(1, 2, Channel.Key)));
        Assert.That(graph.ReadersOf(Component.Head(1, 2, Channel.Value)).Count(), Is.EqualTo(config.QueriesPerKvHead));
    }

    [TestCaseSource(nameof(Families))]
    public void NoEdgeAblatedIsTheModelAndEveryEdgeAblatedIsTheCounterfactualRun(ModelConfig config)
    {
        using var model = FamilyModels.Create(config);
        using var scope = NewDisposeScope();
        var data = FamilyModels.Data(config);
        var all = TokenBatch.Range(0, data.Count);
        var tokens = TokenBatch.Of(data, all);
        var corrupted = TokenBatch.Of(data, all, counterfactual: true);
        var graph = EdgeGraph.For(config);
        var (cleanLogits, clean, _) = SenderOutputs.Run(model, graph, tokens);
        var (corruptLogits, source, _) = SenderOutputs.Run(model, graph, corrupted);
        Assert.That(RandomModels.MaxRelativeError(cleanLogits, model.Forward(tokens)), Is.LessThan(1e-6), "the cached run is the model");
        using var run = new EdgePatchRun(model, graph);
        foreach (var delta in new[] { EdgeDelta.FromClean, EdgeDelta.FromCurrent })
        {
            var none = run.Forward(tokens, zeros(1, graph.Count), clean, source, delta, gradients: false);
            Assert.That(RandomModels.MaxRelativeError(none, cleanLogits), Is.LessThan(1e-5), $"{delta}: mask 0");
        }
        // The empty circuit as circuit evaluation runs it (each edge carries source − the sender's write in this run):
        // every receiver reads x_new's stream, so each block computes x_new's writes (under sandwich norms at x_new's
        // scale, b_O's share too) and the run is x_new's. (Against the clean writes, edges ablated on top of each other are not
        // one run: that delta is for one edge at a time.)
        var every = run.Forward(tokens, ones(1, graph.Count), clean, source, EdgeDelta.FromCurrent, gradients: false);
        Assert.That(RandomModels.MaxRelativeError(every, corruptLogits), Is.LessThan(1e-5), "mask 1");
    }

    [Test]
    public void UnderSandwichNormsTheHeadsWritesAndTheBiasesShareSumToTheAttentionOutput()
    {
        var config = RandomModels.Gemma2Like;
        using var model = FamilyModels.Create(config);
        using var scope = NewDisposeScope();
        var graph = EdgeGraph.For(config);
        var tokens = TokenBatch.Of(FamilyModels.Data(config), TokenBatch.Range(0, 6));
        var (_, writes, _) = SenderOutputs.Run(model, graph, tokens);
        var (_, cache) = model.RunWithCache(tokens, _ => true);
        using (cache)
            for (int l = 0; l < config.Layers; l++)
            {
                var n = model.Hooks.Layers[l];
                var heads = Enumerable.Range(0, config.Heads).Select(h => writes[graph.Senders.IndexOf(Component.Head(l, h))]).Aggregate((a, b) => a + b);
                var bias = model.HeadWrite(l, model.blocks[l].attn.b_O.expand_as(heads), cache[n.Ln1PostScale]);
                Assert.That(RandomModels.MaxRelativeError(heads + bias, cache[n.AttnOut]), Is.LessThan(1e-6), $"layer {l}");
                Assert.That(RandomModels.MaxRelativeError(heads, cache[n.AttnOut]), Is.GreaterThan(1e-3), "the random bias is visible");
            }
    }

    [TestCaseSource(nameof(Families))]
    public void ExactPatchingOfOneEdgeIsThatEdgesPatchWrittenByHand(ModelConfig config)
    {
        using var model = FamilyModels.Create(config);
        using var discovery = new EdgeDiscovery(model, FamilyModels.Settings(FamilyModels.Data(config)));
        using var scope = NewDisposeScope();
        var data = discovery.Settings.Data;
        var all = TokenBatch.Range(0, data.Count);
        var tokens = TokenBatch.Of(data, all);
        var (cleanLogits, cleanCache) = model.RunWithCache(tokens, _ => true);
        var (_, corruptCache) = model.RunWithCache(TokenBatch.Of(data, all, counterfactual: true), _ => true);
        using var metric = DiscoveryMetric.For(discovery.Settings.Metric, [.. all.Select(i => data.Examples[i])], cleanLogits);
        double Mean(Tensor logits) => metric.Sums(logits).item<float>() / metric.Count;
        double cleanMetric = Mean(cleanLogits);

        // What the sender writes into the stream, from the caches alone: under sandwich norms a head's result through
        // ln1_post at that run's own scale (RMSNorm: result / scale · w).
        Tensor Write(ActivationCache cache, Component sender)
        {
            if (sender == Component.Embed) return cache[HookNames.Embed];
            var n = model.Hooks.Layers[sender.Layer];
            if (sender.Kind == ComponentKind.Mlp) return cache[n.MlpOut];
            var result = cache[n.Result].select(2, sender.HeadIndex);
            return config.SandwichNorms ? result / cache[n.Ln1PostScale] * model.blocks[sender.Layer].ln1_post!.w : result;
        }

        Intervention Into(Component receiver, Tensor delta)
        {
            if (receiver == Component.Logits)
                return Intervention.Custom(model.Hooks.Layers[^1].ResidPost, (a, _) => a + delta);
            var n = model.Hooks.Layers[receiver.Layer];
            if (receiver.Kind == ComponentKind.Mlp)
            {
                // The MLP recomputed on its clean input plus the delta; the rest of the stream as it was.
                var input = cleanCache[config.ParallelResidual ? n.ResidPre : n.ResidMid];
                var change = model.MlpOut(receiver.Layer, input + delta) - model.MlpOut(receiver.Layer, input);
                return Intervention.Custom(n.ResidPost, (a, _) => a + change);
            }
            // A head's split input: its own slice for q, its key/value head's for k and v (one slice for the whole group).
            int slice = receiver.Channel == Channel.Query ? receiver.HeadIndex : config.KvHeadOf(receiver.HeadIndex);
            string hook = n.Input(receiver.Channel switch { Channel.Query => 'q', Channel.Key => 'k', _ => 'v' });
            return Intervention.Custom(hook, (a, _) =>
            {
                var onlyThere = zeros(a.shape[2]);
                onlyThere[slice] = 1;
                return a + (delta.unsqueeze(2) * onlyThere.view(1, 1, -1, 1));
            });
        }

        var cases = new Edge[]
        {
            new(Component.Head(0, 1), Component.Logits),
            new(Component.Head(1, 3), Component.Logits),
            new(Component.Mlp(2), Component.Logits),
            new(Component.Head(0, 3 % config.Heads), Component.Head(1, 2, Channel.Key)),
            new(Component.Head(0, 0), Component.Head(2, 2, Channel.Value)),
            new(Component.Mlp(0), Component.Head(1, 1, Channel.Query)),
            new(Component.Embed, Component.Head(1, 0, Channel.Key)),
            new(Component.Head(0, 2), Component.Mlp(1)),
            new(Component.Mlp(0), Component.Mlp(1)),
        }.Select(e => e with { Sender = e.Sender.Kind == ComponentKind.Head ? e.Sender with { HeadIndex = e.Sender.HeadIndex % config.Heads } : e.Sender }).ToArray();
        Assert.That(cases.All(discovery.Graph.Contains), Is.True, string.Join(", ", cases.Where(e => !discovery.Graph.Contains(e))));
        var exact = discovery.Exact([.. cases.Select(discovery.Graph.IndexOf)]);
        foreach (var edge in cases)
        {
            var delta = Write(corruptCache, edge.Sender) - Write(cleanCache, edge.Sender);
            double byHand = Mean(model.Forward(tokens, new RunOptions { Interventions = [Into(edge.Receiver, delta)] })) - cleanMetric;
            Assert.That(exact[edge], Is.EqualTo(byHand).Within(1e-5 + (1e-4 * Math.Abs(byHand))), edge.ToString());
        }
        // A parallel block's MLP does not read its own layer's heads: no such edge.
        Assert.That(discovery.Graph.Contains(new Edge(Component.Head(1, 0), Component.Mlp(1))), Is.EqualTo(!config.ParallelResidual));
        cleanCache.Dispose();
        corruptCache.Dispose();
    }
}
