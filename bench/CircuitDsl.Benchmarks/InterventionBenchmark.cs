using System.Diagnostics;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 5's performance section: (a) batched path patching of every head into the logits against the literal
/// algorithm run once per sender, with the largest difference in their metrics; (b) the batched time against its
/// floor (two plain forwards, plus per sender the MLP layers after it and the unembedding); (c) peak resident
/// memory of a whole experiment at N = 256 and N = 4,096.
/// </summary>
public static class InterventionBenchmark
{
    public static void Run(TextWriter output, int repetitions)
    {
        // Memory first, while the process has not yet touched the large model's buffers.
        using (var zoo = ZooCatalog.Load("zoo:attn-only-2l"))
            PeakMemory(output, zoo.Model);
        output.WriteLine();
        output.WriteLine("## Path patching: every head into the logits (logit difference at the last position)");
        output.WriteLine();
        output.WriteLine("| model | batch | senders | per sender (literal) ms | batched ms | speed-up | floor ms | batched / floor | max abs metric difference |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        using (var zoo = ZooCatalog.Load("zoo:attn-only-2l"))
            PathPatching(output, zoo.Model, batch: 64, positions: zoo.Model.Config.ContextLength, repetitions, maxRows: 512);
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
        var data = RandomPairs(config, batch, positions, 3);
        var references = Enumerable.Range(0, batch).ToArray();
        var hooks = new ComponentHooks(model);
        var metric = MetricSpec.LogitDiff();
        var senders = (from l in Enumerable.Range(0, config.Layers) from h in Enumerable.Range(0, config.Heads)
                       select PatchEndpoint.At(Component.AttentionHead(l, h))).ToArray();
        var receivers = PathPatchSpec.Of([], PatchEndpoint.At(Component.Logits));
        var batched = new double[senders.Length];
        var literal = new double[senders.Length];
        double Mean(Tensor logits) { var (s, c) = MetricEvaluator.Evaluate(metric, logits, data.Examples); return s.Sum() / c.Sum(); }

        var times = Timing.MedianMilliseconds(repetitions,
            () =>
            {
                using var scope = NewDisposeScope();
                using var runs = new RunCache(model, hooks.StandardHooks());
                new PathPatcher(hooks) { MaxRows = maxRows }.Run(receivers, senders.Select(s => (IReadOnlyList<PatchEndpoint>)[s]).ToArray(),
                    runs.Get(data, references), runs.Get(data, references, counterfactual: true), data.Examples, (v, logits) => batched[v] = Mean(logits));
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
        output.WriteLine($"| {config.Name} | {batch} x {positions} | {senders.Length} | {Timing.F(times[1])} | {Timing.F(times[0])} | " +
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

    static void PeakMemory(TextWriter output, HookedTransformer model)
    {
        output.WriteLine("## Peak memory of one experiment (zoo:attn-only-2l; model check, a causal-scrubbing check, a 4-head path sweep into the logits; batch 64)");
        output.WriteLine();
        output.WriteLine("| N | seconds | peak resident MB during the run | resident MB before |");
        output.WriteLine("|---|---|---|---|");
        foreach (int n in new[] { 256, 4096, 16384 })
        {
            var data = RepeatedTokensData.Create(new RepeatedTokensTask(), n, 21);
            var token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
            var induction = InterpretationNode.Of("induction", Component.AttentionHead(1, 0), Component.AttentionHead(1, 1))
                .From(InterpretationNode.Of("embed", Component.Embed), Channel.Value, token)
                .From(InterpretationNode.Of("prev", Component.AttentionHead(0, 0)), Channel.Key);
            var hypothesis = new ScrubHypothesis("h", InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction));
            var plan = new ExperimentPlan("memory", data, MetricSpec.Loss(PositionSet.Named("repeated")),
            [
                new ModelCheck("model"),
                new ScrubCheck("scrub", hypothesis, ScrubBaseline.ResampleInputsOf(Component.AttentionHead(1, 0), Component.AttentionHead(1, 1))),
                new PathSweepCheck("sweep", [.. Enumerable.Range(0, 4).Select(i => PatchEndpoint.At(Component.AttentionHead(i / 2, i % 2)))], PathPatchSpec.Of([], PatchEndpoint.At(Component.Logits))),
            ]);
            GC.Collect();
            long before = ResidentBytes("VmRSS");
            ResetPeak();
            var clock = Stopwatch.StartNew();
            new ExperimentRunner(model).Run(plan);
            double seconds = clock.Elapsed.TotalSeconds;
            long peak = ResidentBytes("VmHWM");
            output.WriteLine($"| {n} | {Timing.F(seconds, "0.0")} | {Timing.F(peak / 1048576.0, "0")} | {Timing.F(before / 1048576.0, "0")} |");
        }
    }

    // Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) of this process.
    static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static long ResidentBytes(string field)
    {
        if (!File.Exists("/proc/self/status")) return Process.GetCurrentProcess().PeakWorkingSet64;
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        // "VmHWM:\t  123456 kB": the value may follow the tab directly, so split on both.
        return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
