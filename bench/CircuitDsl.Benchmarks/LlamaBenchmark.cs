using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 14 part 7: a Llama-3.2-1B-shaped model with random weights, stored as one BF16 model.safetensors (2.47 GB).
/// (1) Load time and peak resident memory, each load in a fresh process: kept as BF16 (goal: growth at most 1.2 × the
/// stored weights) and widened to float32 (against 2 × the stored weights), under glibc's default malloc settings and
/// with MALLOC_MMAP_THRESHOLD_ fixed at 1 MiB. (2) The hooked forward against <see cref="ReferenceHfForward"/> (plain
/// tensor ops on the HF tensors, read from the same file widened to float32), both float32 (goal: at most 1.10 ×); and
/// the kept-BF16 hooked forward, which widens each matrix per op, against the float32 one.
/// </summary>
public static class LlamaBenchmark
{
    public const string LoadFlag = "--llama-load", ForwardFlag = "--llama-forward", Bf16Flag = "--llama-bf16";
    const int Positions = 128;
    const string MmapThreshold = "MALLOC_MMAP_THRESHOLD_";

    /// <summary>Llama-3.2-1B's shape (config.json of meta-llama/Llama-3.2-1B), random weights.</summary>
    public static HfFamilyArch Arch => HfFamilyArch.Llama with
    {
        Layers = 16, DModel = 2048, Heads = 32, KvHeads = 8, HeadDim = 64, DMlp = 8192, Vocab = 128256, Context = 131072,
        Eps = 1e-5, RopeTheta = 500_000, Llama3 = (32, 1, 4, 8192), Tied = true,
    };

    /// <param name="folder">Where the checkpoint is (written there if absent, and kept); null: a fresh folder under /tmp, deleted at the end.</param>
    public static void Run(TextWriter output, int repetitions, IReadOnlyList<int> batches, string? folder)
    {
        string dir = folder ?? Path.Combine(Path.GetTempPath(), $"circuitdsl-llama-bench-{Environment.ProcessId}");
        bool delete = folder is null;
        try
        {
            string file = Path.Combine(dir, "model.safetensors");
            if (!File.Exists(file))
            {
                var clock = Stopwatch.StartNew();
                WriteCheckpoint(dir, seed: 1);
                output.WriteLine($"Wrote {file}: {MB(new FileInfo(file).Length)} MB in {Timing.F(clock.Elapsed.TotalSeconds, "0.0")} s");
            }
            long stored = StoredBytes(file);
            output.WriteLine($"## Llama-3.2-1B-shaped model, random weights, one BF16 model.safetensors ({stored:N0} bytes of weights = {MB(stored)} MB; " +
                             $"{stored / 2:N0} parameters; torch threads {get_num_threads()} on {Environment.ProcessorCount} cores shared with other work)");
            output.WriteLine();
            output.WriteLine("### Load, each in a fresh process (peak = VmHWM; growth = peak − VmRSS before loading; then one 1 x 128 forward)");
            output.WriteLine();
            output.WriteLine("| weights kept as | malloc | load s | parameters MB | before MB | peak MB | growth MB | growth / reference | peak after forward MB | growth after forward / reference |");
            output.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (bool keep in new[] { true, false })
                foreach (bool fixedThreshold in new[] { false, true })
                    output.WriteLine(Child(fixedThreshold, LoadFlag, dir, keep ? "keep" : "widen", stored.ToString(CultureInfo.InvariantCulture)));
            output.WriteLine();
            output.WriteLine("Reference: the stored weights' bytes for BF16 kept, twice them for float32 (the float32 parameters).");
            output.WriteLine();
            output.WriteLine($"### Hooked forward vs plain forward (float32 weights widened from the BF16 file, no interventions; glibc default malloc; medians of {repetitions} interleaved runs after a warm-up)");
            output.WriteLine();
            output.WriteLine("The plain forward is ReferenceHfForward on HF-layout tensors: its attention projections and norms are read from the file (widened to float32); " +
                             "its embedding and MLP matrices are the hooked model's own float32 tensors (gate/up/down_proj as transposed views of W_gate/W_in/W_out), so the process holds one copy of them.");
            output.WriteLine();
            output.WriteLine("| tokens | plain (ReferenceHfForward) ms | hooked ms | ratio | hooked + cache of resid_pre and patterns ms | max abs logit difference |");
            output.WriteLine("|---|---|---|---|---|---|");
            foreach (int batch in batches) output.WriteLine(Child(false, ForwardFlag, dir, Arg(batch), Arg(repetitions)));
            output.WriteLine();
            output.WriteLine($"### Hooked forward, weights kept as BF16 (widened per op) vs float32 (both models in one process, {MmapThreshold}=1048576 to bound its peak; medians of {repetitions} interleaved runs after a warm-up)");
            output.WriteLine();
            output.WriteLine("| tokens | float32 hooked ms | BF16-kept hooked ms | ratio | BF16-kept + cache of resid_pre and patterns ms | max abs logit difference |");
            output.WriteLine("|---|---|---|---|---|---|");
            foreach (int batch in batches) output.WriteLine(Child(true, Bf16Flag, dir, Arg(batch), Arg(repetitions)));
            output.WriteLine();
        }
        finally
        {
            if (delete && Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    static string Arg(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The child process's part, for the flag at args[at].</summary>
    public static void RunChild(TextWriter output, string[] args, int at)
    {
        string flag = args[at], dir = args[at + 1];
        if (flag == LoadFlag) MeasureLoad(output, dir, args[at + 2] == "keep", long.Parse(args[at + 3], CultureInfo.InvariantCulture));
        else MeasureForward(output, dir, int.Parse(args[at + 2], CultureInfo.InvariantCulture), int.Parse(args[at + 3], CultureInfo.InvariantCulture), bf16: flag == Bf16Flag);
    }

    static void MeasureLoad(TextWriter output, string dir, bool keep, long stored)
    {
        using (var warm = ones(4, 4)) warm.matmul(warm).Dispose(); // libtorch's first-op state, before "before"
        GC.Collect();
        long before = MemoryBenchmark.ResidentBytes("VmRSS");
        MemoryBenchmark.ResetPeak();
        var clock = Stopwatch.StartNew();
        using var loaded = ModelLoader.Load(dir, new ModelLoadOptions { KeepStoredDtype = keep });
        double seconds = clock.Elapsed.TotalSeconds;
        long peak = MemoryBenchmark.ResidentBytes("VmHWM");
        long parameters = loaded.Model.parameters().Sum(p => p.numel() * p.ElementSize);
        using (var tokens = Tokens(1, loaded.Model.Config.VocabSize)) loaded.Model.Forward(tokens).Dispose();
        long peakForward = MemoryBenchmark.ResidentBytes("VmHWM");
        double reference = keep ? stored : 2.0 * stored;
        string malloc = Environment.GetEnvironmentVariable(MmapThreshold) is { } t ? $"{MmapThreshold}={t}" : "glibc default";
        output.WriteLine($"| {(keep ? "BF16" : "float32")} | {malloc} | {Timing.F(seconds, "0.0")} | {MB(parameters)} | {MB(before)} | {MB(peak)} | " +
                         $"{MB(peak - before)} | {Timing.F((peak - before) / reference, "0.000")} | {MB(peakForward)} | {Timing.F((peakForward - before) / reference, "0.000")} |");
    }

    static bool CachedForAnalysis(string hook) => hook.EndsWith("hook_resid_pre", StringComparison.Ordinal) || hook.EndsWith("hook_pattern", StringComparison.Ordinal);

    static void MeasureForward(TextWriter output, string dir, int batch, int repetitions, bool bf16)
    {
        using var widened = ModelLoader.Load(dir);
        var model = widened.Model;
        using var tokens = Tokens(batch, model.Config.VocabSize);
        Action first, second, third;
        Tensor expected, actual;
        Dictionary<string, Tensor>? hf = null;
        LoadedModel? kept = null;
        if (!bf16)
        {
            hf = PlainTensors(dir, model, out var shared);
            var reference = new ReferenceHfForward(Arch, shared);
            first = () => reference.Forward(tokens).Dispose();
            second = () => model.Forward(tokens).Dispose();
            third = () => { var (logits, cache) = model.RunWithCache(tokens, CachedForAnalysis); logits.Dispose(); cache.Dispose(); };
            expected = reference.Forward(tokens); // the warm-ups, compared
            actual = model.Forward(tokens);
            RunWithCacheOnce(model, tokens);
        }
        else
        {
            kept = ModelLoader.Load(dir, new ModelLoadOptions { KeepStoredDtype = true });
            var half = kept.Model;
            first = () => model.Forward(tokens).Dispose();
            second = () => half.Forward(tokens).Dispose();
            third = () => { var (logits, cache) = half.RunWithCache(tokens, CachedForAnalysis); logits.Dispose(); cache.Dispose(); };
            expected = model.Forward(tokens);
            actual = half.Forward(tokens);
            RunWithCacheOnce(half, tokens);
        }
        double difference;
        using (expected)
        using (actual)
        using (var d = (expected - actual).abs().max())
            difference = d.item<float>();
        var times = Timing.MedianMilliseconds(repetitions, warmUp: false, first, second, third);
        output.WriteLine($"| {batch} x {Positions} | {Timing.F(times[0], "0")} | {Timing.F(times[1], "0")} | {Timing.F(times[1] / times[0], "0.000")} | " +
                         $"{Timing.F(times[2], "0")} | {difference.ToString("0.0e0", CultureInfo.InvariantCulture)} |");
        kept?.Dispose();
        if (hf is not null) foreach (var t in hf.Values) t.Dispose();
    }

    /// <summary>
    /// The HF-named float32 tensors for <see cref="ReferenceHfForward"/>: attention projections and norms read from the
    /// file (returned, owned by the caller), the embedding and the MLP matrices the model's own (a second float32 copy of
    /// them would take another 4.2 GB, and at 4 x 128 the process would pass 12 GB).
    /// </summary>
    static Dictionary<string, Tensor> PlainTensors(string dir, HookedTransformer model, out Dictionary<string, Tensor> all)
    {
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        var read = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        all = new Dictionary<string, Tensor>(StringComparer.Ordinal) { ["model.embed_tokens.weight"] = parameters["embed.W_E"] };
        using var reader = SafetensorsReader.Open(Path.Combine(dir, "model.safetensors"));
        foreach (var name in reader.Entries.Keys)
        {
            if (name == "model.embed_tokens.weight") continue;
            if (name.Contains(".mlp.", StringComparison.Ordinal))
            {
                string layer = name.Split('.')[2];
                string tl = name.EndsWith("gate_proj.weight", StringComparison.Ordinal) ? "W_gate" : name.EndsWith("up_proj.weight", StringComparison.Ordinal) ? "W_in" : "W_out";
                all[name] = parameters[$"blocks.{layer}.mlp.{tl}"].t(); // [out, in] views of the [in, out] parameters
                continue;
            }
            all[name] = read[name] = reader.Read(name);
        }
        return read;
    }

    static void RunWithCacheOnce(HookedTransformer model, Tensor tokens)
    {
        var (logits, cache) = model.RunWithCache(tokens, CachedForAnalysis);
        logits.Dispose();
        cache.Dispose();
    }

    static Tensor Tokens(int batch, int vocab) => randint(0, vocab, [batch, Positions], generator: new Generator(5), dtype: ScalarType.Int64);

    /// <summary>
    /// Writes config.json and a BF16 model.safetensors tensor by tensor: each is drawn in float32 (as
    /// <see cref="RandomHfCheckpoint"/> draws them: unit-scale linears, norms near 1, an N(0, 1) embedding), narrowed and
    /// written, so at most one float32 tensor (the 1 GB embedding) is alive, not the 4.9 GB of them all.
    /// </summary>
    static void WriteCheckpoint(string dir, long seed)
    {
        var arch = Arch;
        Directory.CreateDirectory(dir);
        var config = arch.Config();
        config["torch_dtype"] = "bfloat16";
        File.WriteAllText(Path.Combine(dir, "config.json"), config.ToJsonString());
        var g = new Generator((ulong)seed);
        using var _ = no_grad();
        // Drawn in name order, the order the writer asks for them in.
        var shapes = Shapes(arch);
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), shapes, name =>
        {
            long[] shape = shapes[name];
            var drawn = randn(shape, generator: g);
            if (shape.Length == 1) return drawn * 0.2 + 1; // RMSNorm gains
            return name == "model.embed_tokens.weight" ? drawn : drawn / Math.Sqrt(shape[1]);
        }, ScalarType.BFloat16);
    }

    static Dictionary<string, long[]> Shapes(HfFamilyArch a)
    {
        long d = a.DModel, q = a.Heads * a.HeadDim, kv = a.KvHeads * a.HeadDim;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal) { ["model.embed_tokens.weight"] = [a.Vocab, d], ["model.norm.weight"] = [d] };
        for (int l = 0; l < a.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            shapes[p + "input_layernorm.weight"] = [d];
            shapes[p + "post_attention_layernorm.weight"] = [d];
            shapes[p + "self_attn.q_proj.weight"] = [q, d];
            shapes[p + "self_attn.k_proj.weight"] = [kv, d];
            shapes[p + "self_attn.v_proj.weight"] = [kv, d];
            shapes[p + "self_attn.o_proj.weight"] = [d, q];
            shapes[p + "mlp.gate_proj.weight"] = [a.DMlp, d];
            shapes[p + "mlp.up_proj.weight"] = [a.DMlp, d];
            shapes[p + "mlp.down_proj.weight"] = [d, a.DMlp];
        }
        return shapes;
    }

    static long StoredBytes(string file)
    {
        using var reader = SafetensorsReader.Open(file);
        return reader.Entries.Values.Sum(e => e.ByteLength);
    }

    static string Child(bool fixedThreshold, params string[] args)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        if (fixedThreshold) start.Environment[MmapThreshold] = "1048576";
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(LlamaBenchmark).Assembly.Location);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        string row = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return child.ExitCode == 0 ? row : throw new InvalidOperationException($"{string.Join(' ', args)} failed (exit code {child.ExitCode}): {row}");
    }

    static string MB(long bytes) => Timing.F(bytes / 1048576.0, "0");
}
