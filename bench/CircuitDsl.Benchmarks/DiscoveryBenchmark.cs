using System.Diagnostics;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 15 part 8, side by side in one process (medians of interleaved runs): (a) EAP against its floor, one forward
/// of the counterfactual and one forward and backward of the clean batch; (b) ACDC from the embeddings with every
/// position's logits (one full forward per edge test, the definition run literally), resumed at the receiver's layer
/// (ACDC before this benchmark), and resumed with logits only at the metric's rows (now); (c) exact patching of every
/// edge against one forward per edge. On the zoo models whole runs; on the GPT-2-small shape (32,936 edges, where one
/// forward per test would take hours) each mode's time per test at each receiver layer, and the whole run as their sum
/// over the graph's edges. (d), memory, is <see cref="DiscoveryMemoryBenchmark"/>.
/// </summary>
public static class DiscoveryBenchmark
{
    static readonly (string Model, Func<Dataset> Data, MetricSpec Metric, CounterfactualSource X)[] Zoo =
    [
        ("zoo:attn-only-2l", () => RepeatedTokensData.Create(new RepeatedTokensTask(), 64, 5), MetricSpec.Loss(PositionSet.Named("repeated")), CounterfactualSource.Resampled),
        ("zoo:ioi-2l", () => IoiData.Create(new IoiTask(), 64, 11, IoiCounterfactual.Abc), MetricSpec.LogitDiff(PositionSet.Named("END")), CounterfactualSource.Paired),
        ("zoo:parens-3l", () => ParensData.Create(new ParensTask(), 32, 11), MetricSpec.LogitDiff(PositionSet.Named("END")), CounterfactualSource.Resampled),
    ];

    /// <summary>The GPT-2 shape's data (4 × 16 tokens, logit_diff at the last position), exact patching's stack bounded as `circuit discover` bounds it (2 GiB; 1,024 rows would need ~80 GiB).</summary>
    static DiscoverySettings Gpt2Settings(HookedTransformer gpt2)
    {
        var settings = new DiscoverySettings(RandomPairs(gpt2.Config, 4, 16, 3), MetricSpec.LogitDiff(PositionSet.At(-1))) { Counterfactual = CounterfactualSource.Paired, BatchSize = 4 };
        return settings with { MaxRows = Math.Min(settings.MaxRows, MemoryEstimate.RowsWithin(gpt2.Config, 16, 2L << 30)) };
    }

    public static void Run(TextWriter output, int repetitions, int gpt2Repetitions)
    {
        var zoo = Zoo;
        output.WriteLine($"## Discovery: EAP against its floor, ACDC and exact patching against one forward per edge test (torch threads {get_num_threads()})");
        output.WriteLine();
        using var gpt2 = new HookedTransformer(SparseBenchmark.Gpt2Small);
        gpt2.InitializeWeights(1);
        var gpt2Settings = Gpt2Settings(gpt2);
        // Whole ACDC and exact runs take seconds to minutes each: at most 3 repetitions.
        int whole = Math.Max(1, Math.Min(repetitions, 3));

        output.WriteLine("### (b) ACDC, whole runs (tau 0.01, KL at the metric's positions, one edge at a time)");
        output.WriteLine();
        output.WriteLine("| model | edges | tests | from the embeddings, all logits ms | resumed, all logits ms | resumed, metric rows ms | speedup over one forward per test | kept | same decisions |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        ForZoo(zoo, (model, settings) => output.WriteLine(AcdcWhole(model, settings, whole)));
        output.WriteLine();
        AcdcPerLayer(output, gpt2, gpt2Settings, gpt2Repetitions);

        EapAgainstFloor(output, zoo, gpt2, gpt2Settings, repetitions, gpt2Repetitions);

        output.WriteLine("### (c) Exact patching of every edge (one variant per edge, stacked up to 1,024 rows, and the unpatched variant in each stack) against one forward per edge");
        output.WriteLine();
        output.WriteLine("| model | edges scored | exact ms | ms per edge | one forward per edge: ms per edge | speedup | max abs score difference |");
        output.WriteLine("|---|---|---|---|---|---|---|");
        ForZoo(zoo, (model, settings) => output.WriteLine(ExactWhole(model, settings, whole)));
        output.WriteLine(ExactSample(gpt2, gpt2Settings, 1));
        output.WriteLine();
    }

    /// <summary>Only part (a), EAP against its floor (`--discovery --eap-only`).</summary>
    public static void RunEap(TextWriter output, int repetitions, int gpt2Repetitions)
    {
        using var gpt2 = new HookedTransformer(SparseBenchmark.Gpt2Small);
        gpt2.InitializeWeights(1);
        EapAgainstFloor(output, Zoo, gpt2, Gpt2Settings(gpt2), repetitions, gpt2Repetitions);
    }

    static void EapAgainstFloor(TextWriter output, (string Model, Func<Dataset> Data, MetricSpec Metric, CounterfactualSource X)[] zoo,
        HookedTransformer gpt2, DiscoverySettings gpt2Settings, int repetitions, int gpt2Repetitions)
    {
        output.WriteLine("### (a) EAP against two forwards and one backward of the same batch (goal: at most 1.5×)");
        output.WriteLine();
        output.WriteLine("EAP: the counterfactual forward (to the final stream) and EAP's gradient forward, which is the clean run and makes the caches, with its backward and the receivers' scores. Floor: the counterfactual forward, and the clean forward with a backward to its embeddings (both to full logits).");
        output.WriteLine();
        output.WriteLine("| model | edges | batch × tokens | EAP ms | floor ms | EAP / floor |");
        output.WriteLine("|---|---|---|---|---|---|");
        ForZoo(zoo, (model, settings) => output.WriteLine(Eap(model, settings, repetitions)));
        output.WriteLine(Eap(gpt2, gpt2Settings, gpt2Repetitions));
        output.WriteLine();
    }

    static void ForZoo((string Model, Func<Dataset> Data, MetricSpec Metric, CounterfactualSource X)[] zoo, Action<HookedTransformer, DiscoverySettings> run)
    {
        foreach (var (name, data, metric, x) in zoo)
        {
            using var loaded = ZooCatalog.Load(name);
            run(loaded.Model, new DiscoverySettings(data(), metric) { Counterfactual = x, Seed = 5 });
        }
    }

    static string Eap(HookedTransformer model, DiscoverySettings settings, int repetitions)
    {
        var data = settings.Data;
        int rows = Math.Min(settings.BatchSize, data.Count);
        var references = TokenBatch.Range(0, rows);
        var one = settings with { Data = new Dataset([.. references.Select(i => data.Examples[i])], data.Pool, data.Name) }; // one batch: the floor's
        int edges = EdgeGraph.For(model.Config).Count;
        var times = Timing.MedianMilliseconds(repetitions,
            () =>
            {
                using var discovery = EdgeDiscovery.ForRun(model, one with { Method = DiscoveryMethod.Eap });
                discovery.Eap();
            },
            () => Floor(model, one));
        return $"| {model.Config.Name} | {edges:N0} | {rows} × {data.Length} | {Timing.F(times[0], "0")} | {Timing.F(times[1], "0")} | {Timing.F(times[0] / times[1], "0.00")}× |";
    }

    /// <summary>The counterfactual forward, and the clean forward with its backward to the embeddings' output.</summary>
    static void Floor(HookedTransformer model, DiscoverySettings settings)
    {
        using var scope = NewDisposeScope();
        var references = TokenBatch.Range(0, settings.Data.Count);
        var corrupted = TokenBatch.Of(settings.Data, references, counterfactual: settings.Counterfactual == CounterfactualSource.Paired);
        model.Forward(corrupted);
        Tensor? leaf = null;
        var options = new RunOptions
        {
            Gradients = true,
            // Kept out of the forward's dispose scope: the gradient is taken with respect to it afterwards.
            Interventions = [Intervention.Custom(HookNames.Embed, (a, _) => leaf = a.detach().requires_grad_(true).DetachFromDisposeScope())],
        };
        var logits = model.Forward(TokenBatch.Of(settings.Data, references), options);
        var metric = logits.select(1, -1).log_softmax(-1).select(1, 0).sum();
        using (leaf)
            autograd.grad([metric], [leaf!]);
    }

    static string AcdcWhole(HookedTransformer model, DiscoverySettings settings, int repetitions)
    {
        using var discovery = new EdgeDiscovery(model, settings);
        var results = new EdgeScores[3];
        var modes = new[] { EvaluationMode.FromEmbeddings, EvaluationMode.Resumed, EvaluationMode.Sparse };
        var times = Timing.MedianMilliseconds(repetitions, warmUp: false,
            [.. modes.Select((m, i) => (Action)(() => results[i] = discovery.Acdc(0.01, speculate: 1, mode: m)))]);
        bool same = results.All(r => r.KeptEdges().SequenceEqual(results[0].KeptEdges()));
        int edges = discovery.Graph.Count;
        return $"| {model.Config.Name} | {edges} | {edges + 1} | {Timing.F(times[0], "0")} | {Timing.F(times[1], "0")} | {Timing.F(times[2], "0")} | " +
               $"{Timing.F(times[0] / times[2], "0.0")}× (resumed alone {Timing.F(times[0] / times[1], "0.0")}×) | {results[2].KeptEdges().Count} | {(same ? "yes" : "NO")} |";
    }

    /// <summary>GPT-2 shape: one edge test per receiver layer in each mode; the whole run as Σ over layers of tests × time.</summary>
    static void AcdcPerLayer(TextWriter output, HookedTransformer model, DiscoverySettings settings, int repetitions)
    {
        using var discovery = new EdgeDiscovery(model, settings);
        var graph = discovery.Graph;
        var spec = settings.EffectiveAcdcMetric;
        int layers = model.Config.Layers;
        output.WriteLine($"### (b) ACDC on the GPT-2-small shape ({graph.Count:N0} edges; {settings.Data.Count} × {settings.Data.Length} tokens, KL at the last position): one edge test per receiver layer");
        output.WriteLine();
        output.WriteLine("| receivers | tests (edges) | from the embeddings, all logits ms | resumed, all logits ms | resumed, metric rows ms |");
        output.WriteLine("|---|---|---|---|---|");
        var totals = new double[3];
        foreach (int layer in Enumerable.Range(0, layers + 1).Reverse())
        {
            var into = graph.Edges.Select((e, i) => (e, i)).Where(p => LayerOf(p.e.Receiver, layers) == layer).ToArray();
            using var mask = zeros(1, graph.Count);
            mask[0, into[0].i] = 1;
            var modes = new[] { EvaluationMode.FromEmbeddings, EvaluationMode.Resumed, EvaluationMode.Sparse };
            var t = Timing.MedianMilliseconds(repetitions, [.. modes.Select(m => (Action)(() => discovery.Evaluate(spec, mask, m)))]);
            for (int m = 0; m < 3; m++) totals[m] += t[m] * into.Length;
            output.WriteLine($"| {(layer == layers ? "logits" : $"layer {layer}")} | {into.Length:N0} | {Timing.F(t[0], "0")} | {Timing.F(t[1], "0")} | {Timing.F(t[2], "0")} |");
        }
        output.WriteLine($"| **whole run (Σ tests × time)** | {graph.Count:N0} | {Timing.F(totals[0] / 60000, "0")} min | {Timing.F(totals[1] / 60000, "0")} min | {Timing.F(totals[2] / 60000, "0")} min |");
        output.WriteLine($"| **speedup over one forward per test** | | 1× | {Timing.F(totals[0] / totals[1], "0.0")}× | {Timing.F(totals[0] / totals[2], "0.0")}× |");
        output.WriteLine();
        // KL at the last position: one metric row per example.
        double bound = AcdcWorkBound.Gain(model.Config, graph, settings.Data.Count, settings.Data.Length, metricRowsPerExample: 1);
        output.WriteLine($"The most any exact schedule of these tests can gain where time follows multiply-adds (a CPU): {Timing.F(bound, "0.0")}× (AcdcWorkBound).");
        output.WriteLine();
    }

    static int LayerOf(Component receiver, int layers) => receiver.Kind == ComponentKind.Logits ? layers : receiver.Layer;

    static string ExactWhole(HookedTransformer model, DiscoverySettings settings, int repetitions)
    {
        using var discovery = new EdgeDiscovery(model, settings);
        var all = Enumerable.Range(0, discovery.Graph.Count).ToArray();
        return ExactAgainstLoop(model.Config.Name, discovery, all, all, repetitions);
    }

    /// <summary>GPT-2 shape: exact patching of every 256th edge, and one forward per edge on every 2,048th.</summary>
    static string ExactSample(HookedTransformer model, DiscoverySettings settings, int repetitions)
    {
        using var discovery = new EdgeDiscovery(model, settings);
        int count = discovery.Graph.Count;
        var sample = Enumerable.Range(0, count).Where(e => e % 256 == 0).ToArray();
        var loop = Enumerable.Range(0, count).Where(e => e % 2048 == 0).ToArray();
        return ExactAgainstLoop($"{model.Config.Name}, every 256th edge (loop: every 2,048th; stacks of {discovery.Settings.MaxRows} rows)", discovery, sample, loop, repetitions);
    }

    static string ExactAgainstLoop(string name, EdgeDiscovery discovery, int[] edges, int[] loopEdges, int repetitions)
    {
        EdgeScores? exact = null;
        var loop = new double[loopEdges.Length];
        var spec = discovery.Settings.Metric;
        var times = Timing.MedianMilliseconds(repetitions, warmUp: false,
            () => exact = discovery.Exact(edges),
            () =>
            {
                // One forward per edge from the embeddings, every position's logits: m(edge ablated) − m(clean).
                using var none = zeros(1, discovery.Graph.Count);
                double clean = discovery.Evaluate(spec, none, EvaluationMode.FromEmbeddings)[0];
                for (int i = 0; i < loopEdges.Length; i++)
                {
                    using var mask = zeros(1, discovery.Graph.Count);
                    mask[0, loopEdges[i]] = 1;
                    loop[i] = discovery.Evaluate(spec, mask, EvaluationMode.FromEmbeddings)[0] - clean;
                }
            });
        double perEdge = times[0] / edges.Length, loopPerEdge = times[1] / loopEdges.Length;
        double difference = loopEdges.Select((e, i) => Math.Abs(exact!.Scores[e] - loop[i])).Max();
        return $"| {name} | {edges.Length:N0} | {Timing.F(times[0], "0")} | {Timing.F(perEdge, "0.00")} | {Timing.F(loopPerEdge, "0.00")} | {Timing.F(loopPerEdge / perEdge, "0.0")}× | {difference:0.0e+0} |";
    }

    internal static Dataset RandomPairs(ModelConfig config, int count, int positions, ulong seed)
    {
        var random = new SplitMix64(seed);
        int[] Tokens() => Enumerable.Range(0, positions).Select(_ => random.Next(config.VocabSize)).ToArray();
        return new Dataset(Enumerable.Range(0, count).Select(_ => new Example(Tokens(), Tokens(), random.Next(config.VocabSize), random.Next(config.VocabSize))).ToArray());
    }
}
