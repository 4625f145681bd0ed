using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Zoo;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 5's performance section: (a) batched path patching of every head into the logits against the literal
/// algorithm run once per sender, with the largest difference in their metrics; (b) the batched time against its
/// floor (two plain forwards, plus per sender the MLP layers after it and the unembedding). Peak memory is
/// <see cref="MemoryBenchmark"/>.
/// </summary>
public static class InterventionBenchmark
{
    public static void Run(TextWriter output, int repetitions)
    {
        output.WriteLine("## Path patching: every head into the logits (logit difference at the last position)");
        output.WriteLine();
        output.WriteLine("| model | batch | senders | torch threads | per sender (literal) ms | batched ms | speed-up | floor ms | batched / floor | max abs metric difference |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        using (var zoo = ZooCatalog.Load("zoo:attn-only-2l"))
            PathPatching(output, zoo.Model, batch: 64, positions: zoo.Model.Config.ContextLength, repetitions * 5, maxRows: 512); // 20 ms passes need more samples
        var gpt2Small = new ModelConfig
        {
            Name = "gpt2-small-shaped (random)", Layers = 12, Heads = 12, DModel = 768, DHead = 64, DMlp = 3072,
            VocabSize = 50257, ContextLength = 1024, TiedUnembedding = true,
        };
        using (var random = new HookedTransformer(gpt2Small))
        {
            random.InitializeWeights(1);
            PathPatching(output, random, batch: 4, positions: 16, 1, maxRows: 64);
        }
        output.WriteLine();
    }

    static Dataset RandomPairs(ModelConfig config, int count, int positions, ulong seed)
    {
        var random = new SplitMix64(seed);
        int[] Tokens() => Enumerable.Range(0, positions).Select(_ => random.Next(config.VocabSize)).ToArray();
        return new Dataset(Enumerable.Range(0, count).Select(_ => new Example(Tokens(), Tokens(), random.Next(config.VocabSize), random.Next(config.VocabSize))).ToArray());
    }

    static void PathPatching(TextWriter output, HookedTransformer model, int batch, int positions, int repetitions, int maxRows)
    {
        var config = model.Config;
        int threads = TorchThreads.For(model); // as `circuit check` runs it: one thread for small models
        set_num_threads(threads);
        var data = RandomPairs(config, batch, positions, 3);
        var references = Enumerable.Range(0, batch).ToArray();
        var hooks = new ComponentHooks(model);
        var metric = MetricSpec.LogitDiff();
        var senders = (from l in Enumerable.Range(0, config.Layers) from h in Enumerable.Range(0, config.Heads)
                       select PatchEndpoint.At(Component.Head(l, h))).ToArray();
        var receivers = PathPatchSpec.Of([], PatchEndpoint.At(Component.Logits));
        var batched = new double[senders.Length];
        var literal = new double[senders.Length];
        double Mean(Tensor logits) { var (s, c) = MetricEvaluator.Evaluate(metric, logits, data.Examples); return s.Sum() / c.Sum(); }

        var times = Timing.MedianMilliseconds(repetitions,
            () =>
            {
                using var scope = NewDisposeScope();
                using var runs = new RunCache(model, hooks.StandardHooks());
                var clean = runs.Get(data, references);
                using var reader = new MetricReader(metric, model, data.Examples, clean.Final, clean.FinalScale);
                new PathPatcher(hooks) { MaxRows = maxRows }.Run(receivers, senders.Select(s => (IReadOnlyList<PatchEndpoint>)[s]).ToArray(),
                    clean, runs.Get(data, references, counterfactual: true), data.Examples, (indices, streams) =>
                    {
                        var metrics = reader.EvaluateEach(streams);
                        for (int k = 0; k < indices.Count; k++) batched[indices[k]] = metrics[k].Sums.Sum() / metrics[k].Counts.Sum();
                    }, reader.Rows);
            },
            () =>
            {
                using var scope = NewDisposeScope();
                var patcher = new LiteralPathPatcher(hooks);
                var clean = TokenBatch.Of(data, references);
                var (a, b) = patcher.Cache(clean, TokenBatch.Of(data, references, counterfactual: true));
                using (a)
                using (b)
                    for (int s = 0; s < senders.Length; s++)
                        literal[s] = Mean(patcher.Run(receivers with { Senders = [senders[s]] }, clean, a, b, data.Examples));
            },
            () => Floor(model, data, references, senders));
        double difference = batched.Zip(literal).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"| {config.Name} | {batch} x {positions} | {senders.Length} | {threads} | {Timing.F(times[1])} | {Timing.F(times[0])} | " +
                         $"{Timing.F(times[1] / times[0], "0.0")}x | {Timing.F(times[2])} | {Timing.F(times[0] / times[2], "0.00")} | {difference:0.0e+0} |");
    }

    /// <summary>The computation path patching into the logits cannot avoid: two plain forwards, then per sender its later MLPs and the unembedding.</summary>
    static void Floor(HookedTransformer model, Dataset data, int[] references, PatchEndpoint[] senders)
    {
        using var scope = NewDisposeScope();
        var hooks = new ComponentHooks(model);
        var (_, cache) = model.RunWithCache(TokenBatch.Of(data, references), n => n.EndsWith("hook_resid_mid", StringComparison.Ordinal) || n == hooks.ReadHook(Component.Logits));
        model.Forward(TokenBatch.Of(data, references, counterfactual: true));
        using (cache)
            foreach (var s in senders)
            {
                if (model.Config.HasMlp)
                    for (int l = s.Component.Layer; l < model.Config.Layers; l++)
                        model.MlpOut(l, cache[model.Hooks.Layers[l].ResidMid]);
                model.ForwardFrom(model.Config.Layers, cache[hooks.ReadHook(Component.Logits)]);
            }
    }
}
