using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Weights;
using static TorchSharp.torch;
namespace CircuitDsl.Benchmarks;
/// <summary>
/// Where the first forward's peak comes from (`--llama-probe DIR keep|widen`, on the checkpoint `--llama --llama-dir DIR`
/// writes): the peak growth of a 1 x 128 forward that stops after 1, 2, 4, 8 and 16 blocks, then of the unembedding alone
/// (float32), then of whole forwards. Growth that rises with the blocks run is activations kept alive until the forward returns.
/// </summary>
public static class LlamaProbe
{
    public static void Run(string dir, bool keep)
    {
        using var loaded = ModelLoader.Load(dir, new ModelLoadOptions { KeepStoredDtype = keep });
        var m = loaded.Model;
        using var _ = no_grad();
        using var tokens = randint(0, m.Config.VocabSize, [1, 128], generator: new Generator(5), dtype: ScalarType.Int64);
        long Step(string what, Func<Tensor> f)
        {
            GC.Collect();
            long before = MemoryBenchmark.ResidentBytes("VmRSS");
            MemoryBenchmark.ResetPeak();
            var t = f();
            long peak = MemoryBenchmark.ResidentBytes("VmHWM");
            Console.WriteLine($"{what}: before {before >> 20} MB, peak growth {(peak - before) >> 20} MB, after {(MemoryBenchmark.ResidentBytes("VmRSS") - before) >> 20} MB");
            t.Dispose();
            return 0;
        }
        var resid = m.Forward(tokens, new RunOptions { StopAtLayer = m.Config.Layers });
        foreach (int stop in new[] { 1, 2, 4, 8, 16, 1 }) Step($"forward stopping at layer {stop} ({stop} blocks run)", () => m.Forward(tokens, new RunOptions { StopAtLayer = stop }));
        Step("blocks only (first)", () => m.Forward(tokens, new RunOptions { StopAtLayer = m.Config.Layers }));
        Step("blocks only (second)", () => m.Forward(tokens, new RunOptions { StopAtLayer = m.Config.Layers }));
        if (!keep)
        {
            Step("resid.matmul(W_E.t()) 3-D", () => resid.matmul(m.W_E.t()));
            Step("resid.matmul(W_E.t()) 3-D again", () => resid.matmul(m.W_E.t()));
            Step("mm(resid2d, W_E.t())", () => resid.reshape(128, 2048).mm(m.W_E.t()));
            Step("W_E.mm(resid2d.t()).t()", () => m.W_E.mm(resid.reshape(128, 2048).t()).t());
        }
        Step("full forward", () => m.Forward(tokens));
        Step("full forward again", () => m.Forward(tokens));
        resid.Dispose();
    }
}
