using CircuitDsl.Runtime.Model;
using CircuitDsl.TestSupport;
using CircuitDsl.Zoo;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// The hooked forward with no interventions against a plain forward of the same weights (fused c_attn, no hook
/// calls), at batch 64: the cost of having hook points at all. Target ratio ≤ 1.10.
/// </summary>
public static class ForwardBenchmark
{
    public static void Run(TextWriter output, int repetitions)
    {
        output.WriteLine("## Hooked forward vs plain forward (batch 64, no interventions)");
        output.WriteLine();
        output.WriteLine("| model | tokens | plain ms | hooked ms | ratio | hooked + cache of resid_pre and patterns ms |");
        output.WriteLine("|---|---|---|---|---|---|");
        using (var zoo = ZooCatalog.Load("zoo:attn-only-2l"))
            Measure(output, zoo.Model, positions: zoo.Model.Config.ContextLength, repetitions * 20); // a 5 ms pass needs many samples
        var gpt2Small = new ModelConfig
        {
            Name = "gpt2-small-shaped (random)", Layers = 12, Heads = 12, DModel = 768, DHead = 64, DMlp = 3072,
            VocabSize = 50257, ContextLength = 1024, TiedUnembedding = true,
        };
        using var random = new HookedTransformer(gpt2Small);
        random.InitializeWeights(1);
        Measure(output, random, positions: 64, Math.Max(3, repetitions / 4));
        output.WriteLine();
    }

    // A full cache of GPT-2 small at this batch (per-head q/k/v inputs included) is about 10 GB: not a fair row.
    static bool CachedForAnalysis(string hook) => hook.EndsWith("hook_resid_pre", StringComparison.Ordinal) || hook.EndsWith("hook_pattern", StringComparison.Ordinal);

    static void Measure(TextWriter output, HookedTransformer model, int positions, int repetitions)
    {
        using var reference = HfGpt2Layout.ReferenceFor(model);
        var generator = new Generator(5);
        using var tokens = randint(0, model.Config.VocabSize, [64, positions], generator: generator, dtype: ScalarType.Int64);
        var times = Timing.MedianMilliseconds(repetitions,
            () => { using var _ = no_grad(); reference.Forward(tokens).Dispose(); },
            () => model.Forward(tokens).Dispose(),
            () => { var (logits, cache) = model.RunWithCache(tokens, CachedForAnalysis); logits.Dispose(); cache.Dispose(); });
        output.WriteLine($"| {model.Config.Name} | 64 x {positions} | {Timing.F(times[0])} | {Timing.F(times[1])} | " +
                         $"{Timing.F(times[1] / times[0], "0.000")} | {Timing.F(times[2])} |");
    }
}
