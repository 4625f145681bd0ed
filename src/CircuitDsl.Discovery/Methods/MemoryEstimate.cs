using System.Globalization;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Discovery.Methods;

/// <summary>
/// What a discovery run needs in memory beyond the loaded model, estimated before anything runs, in bytes (float32):
/// the per-batch caches every method reads (each sender's clean and ablated write, the clean stream at every layer, the
/// clean logits), the widest forward the run makes (its rows × positions × what one row-position holds until the pass
/// ends: with edge hooks each block's intermediates live to the end of the pass), the mask, and for EAP and EAP-IG the
/// backward pass (counted as an edge-hooked forward's: an upper bound, since their forward has no split inputs). Every method ends with the draft's faithfulness curve, which evaluates four variants at a time; the
/// widest of those forwards and the method's own is the one counted.
/// The counts below follow the engine's tensors (see EdgePatchRun): per layer and row-position the split q/k/v inputs,
/// their normalised and patched copies and what the patch adds (4·(heads + 2·kv_heads)·d_model: under grouped-query
/// attention k and v are per key/value head), the attention's own tensors, the
/// residual-sized ones and the MLP's two d_mlp vectors; runs that ablate edges on top of each other (ACDC, circuit
/// evaluation) also hold every head's result and, for one receiver group at a time, the stacked current writes of its
/// senders and their differences from the source.
/// </summary>
public sealed record MemoryEstimate(long CacheBytes, long ForwardBytes, long MaskBytes, long BackwardBytes, long ForwardRows)
{
    public long TotalBytes => CacheBytes + ForwardBytes + MaskBytes + BackwardBytes + NativeBytes;

    /// <summary>The estimate for <paramref name="settings"/> on <paramref name="config"/>'s graph.</summary>
    /// <param name="speculative">Whether ACDC stacks its candidates (16 at a time; it does on a GPU).</param>
    public static MemoryEstimate For(ModelConfig config, EdgeGraph graph, DiscoverySettings settings, bool speculative = false) =>
        Of(config, graph, settings, settings.Data.Count, speculative);

    /// <summary>What the native library holds beside the tensors counted (thread pools' buffers; measured up to ~150 MiB on zoo:ioi-2l).</summary>
    public const long NativeBytes = 256L << 20;

    /// <summary>The most examples (at most the data's) whose run fits in <paramref name="bytes"/>; 0 when not even one does.</summary>
    public static int ExamplesWithin(ModelConfig config, EdgeGraph graph, DiscoverySettings settings, long bytes, bool speculative = false)
    {
        int low = 0, high = settings.Data.Count;
        while (low < high)
        {
            int middle = low + ((high - low + 1) / 2);
            if (Of(config, graph, settings, middle, speculative).TotalBytes <= bytes) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    /// <summary>
    /// The most rows (variants × references) one forward of exact patching may stack within <paramref name="bytes"/>,
    /// at least one: a bound that depends on the model and the data's length only, so the same file stacks alike everywhere.
    /// </summary>
    public static int RowsWithin(ModelConfig config, long positions, long bytes) =>
        (int)Math.Clamp(bytes / (sizeof(float) * Math.Max(1, positions) * FixedForward(config, positions)), 1, int.MaxValue);

    /// <summary>
    /// Bytes the batches keep for the whole run (float32): per example and position every sender's clean and ablated
    /// write, the clean stream at each layer's start and the end, and the clean logits.
    /// </summary>
    public static long CachedBytes(ModelConfig config, EdgeGraph graph, long examples, long positions) =>
        examples * positions * (((((2L * graph.Senders.Length) + config.Layers + 1) * config.DModel) + config.VocabSize) * sizeof(float));

    static MemoryEstimate Of(ModelConfig config, EdgeGraph graph, DiscoverySettings settings, long examples, bool speculative)
    {
        long positions = settings.Data.Length;
        long batch = Math.Max(1, Math.Min(settings.BatchSize, examples));
        long d = config.DModel, senders = graph.Senders.Length, edges = graph.Count;

        long cache = CachedBytes(config, graph, examples, positions) / sizeof(float);

        long fixedForward = FixedForward(config, positions);
        // Ablating on top of each other: every head's result kept, and one receiver group's stacked writes at a time.
        long fromCurrent = fixedForward + (config.Layers * config.Heads * d) + (3 * d * senders);

        // Rows of the widest forward: exact stacks up to MaxRows (with its unpatched variant), ACDC its speculation,
        // the faithfulness curve four variants; EAP one variant under gradients.
        long evaluationVariants = settings.Method == DiscoveryMethod.Acdc && speculative ? 16 : 4;
        // (exact stacks MaxRows / BatchSize − 1 edges, however few references a batch holds)
        long methodVariants = settings.Method == DiscoveryMethod.Exact ? Math.Min(Math.Max(1, (settings.MaxRows / Math.Max(1, settings.BatchSize)) - 1), edges) + 1 : 1;
        long evaluation = evaluationVariants * batch * positions * fromCurrent;
        long method = methodVariants * batch * positions * fixedForward;
        bool gradients = settings.Method is DiscoveryMethod.Eap or DiscoveryMethod.EapIg;
        // The backward holds about as much again as the forward it differentiates (each saved tensor's gradient).
        long backward = gradients ? method : 0;
        long mask = Math.Max(evaluationVariants, methodVariants) * edges * (gradients ? 2 : 1);
        return evaluation >= method + backward
            ? new MemoryEstimate(cache * sizeof(float), evaluation * sizeof(float), mask * sizeof(float), 0, evaluationVariants * batch)
            : new MemoryEstimate(cache * sizeof(float), method * sizeof(float), mask * sizeof(float), backward * sizeof(float), methodVariants * batch);
    }

    /// <summary>Floats one row-position of an edge-patched forward holds until the pass ends (see the class comment).</summary>
    static long FixedForward(ModelConfig config, long positions)
    {
        long d = config.DModel;
        // The split inputs: q per head, k and v per key/value head (grouped-query attention), four copies each; q, k, v
        // and z per head (k and v repeated to every query head before the scores).
        long splitInputs = config.Heads + (2L * config.KvHeads);
        long counted = (4L * splitInputs * d) + (4L * config.Heads * config.DHead) + (3L * config.Heads * positions) + (10 * d)
                       + (config.HasMlp ? 2L * config.DMlp : 0);
        // Measured (DiscoveryMemoryBenchmark: the peak's slope in the stacked rows on zoo:ioi-2l and the GPT-2 shape at
        // 2 and 4 layers) a row-position holds 1.8-1.9 times the tensors counted: torch's own intermediates (layer
        // norms', softmax's, einsum's permuted copies). Twice the count, so that the estimate errs high.
        return (config.Layers * 2 * counted) + (2L * config.VocabSize); // and the logits with their log-softmax
    }

    /// <summary>
    /// The memory this machine can give a run: <paramref name="limitVariable"/> (MiB) when set, else the available
    /// physical memory (Linux: MemAvailable of /proc/meminfo; elsewhere what the runtime reports as available).
    /// </summary>
    public static (long Bytes, string Source) Available(string limitVariable)
    {
        if (Environment.GetEnvironmentVariable(limitVariable) is { Length: > 0 } set)
        {
            if (!long.TryParse(set, NumberStyles.None, CultureInfo.InvariantCulture, out long mib) || mib <= 0)
                throw new ArgumentException($"{limitVariable} must be a positive whole number of MiB; it is '{set}'");
            return (mib << 20, limitVariable);
        }
        try
        {
            if (File.Exists("/proc/meminfo"))
                foreach (var line in File.ReadLines("/proc/meminfo"))
                    if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                        return (long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024, "available physical memory (/proc/meminfo)");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "available memory (as the runtime reports it)");
    }

    public static string Mib(long bytes) => (bytes / (double)(1 << 20)).ToString("N0", CultureInfo.InvariantCulture) + " MiB";

    /// <summary>The parts, for a message: "caches 12 MiB, widest forward (256 rows) 80 MiB, mask 1 MiB, backward 40 MiB".</summary>
    public string Describe() =>
        $"caches {Mib(CacheBytes)}, widest forward ({ForwardRows:N0} rows) {Mib(ForwardBytes)}" + (BackwardBytes > 0 ? $", its backward {Mib(BackwardBytes)}" : "") +
        $", mask {Mib(MaskBytes)}, native buffers {Mib(NativeBytes)}";
}
