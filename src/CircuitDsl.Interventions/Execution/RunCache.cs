using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Clean runs of the model on batches of data, each made once and kept for as long as a batch is being worked on
/// (or, through <see cref="SharedRuns"/>, for later experiments on the same tokens): every check that needs the clean
/// (or corrupted, or resampled) run of the same inputs reads the same cached activations. All runs record the same
/// hooks, so their numbers are mutually consistent to the bit. The caches hold the activations themselves, not copies:
/// nothing in the engine changes a cached tensor in place, which sharing them across experiments relies on too.
/// </summary>
public sealed class RunCache : IDisposable
{
    readonly HookedTransformer model;
    readonly HashSet<string> hooks;
    readonly SharedRuns? shared;
    readonly Dictionary<int[], CachedRun> runs = new(IntSequenceComparer.Instance);
    readonly HashSet<CachedRun> owned = [];

    /// <param name="shared">Runs kept across experiments: looked up by tokens before a forward, offered after one.</param>
    public RunCache(HookedTransformer model, IEnumerable<string> hooks, SharedRuns? shared = null)
    {
        if (shared is not null && !ReferenceEquals(shared.Model, model)) throw new ArgumentException("shared runs belong to another model", nameof(shared));
        this.model = model;
        this.hooks = hooks.ToHashSet(StringComparer.Ordinal);
        this.shared = shared;
    }

    /// <summary>How many forward passes this cache has made (for tests of reuse).</summary>
    public int Runs { get; private set; }

    /// <summary>The clean run of the given token sequences; <paramref name="key"/> identifies them (datum numbers).</summary>
    public CachedRun Get(int[] key, Func<Tensor> tokens)
    {
        if (runs.TryGetValue(key, out var run)) return run;
        using var scope = NewDisposeScope();
        var input = tokens();
        int[]? content = shared is null ? null : TokensOf(input);
        if (content is not null && shared!.TryGet(content, hooks, out run)) return runs[key] = run;
        var cache = new ActivationCache();
        // The run stops at the final stream: metrics unembed only what they read, and the logits are made on demand.
        var options = new RunOptions { Cache = cache, CacheFilter = hooks.Contains, CacheCopies = false };
        var final = model.Forward(input, options with { StopAtLayer = model.Config.Layers });
        model.NormalizeFinal(final, options); // records the final LayerNorm's scale, as the full forward would
        run = new CachedRun(model, final.DetachFromDisposeScope(), cache);
        runs[key] = run;
        if (content is null || !shared!.TryKeep(content, hooks, run)) owned.Add(run);
        Runs++;
        return run;
    }

    /// <summary>A batch's tokens as a key: its shape, then every token.</summary>
    static int[] TokensOf(Tensor tokens) =>
        [.. tokens.shape.Select(d => (int)d), .. tokens.cpu().to(ScalarType.Int32).data<int>().ToArray()];

    /// <summary>The clean run of datum numbers in <paramref name="dataset"/> (its tokens, or counterfactual tokens).</summary>
    public CachedRun Get(Dataset dataset, int[] data, bool counterfactual = false)
    {
        var key = counterfactual ? data.Select(d => -1 - d).ToArray() : data;
        return Get(key, () => TokenBatch.Of(dataset, data, counterfactual));
    }

    public void Dispose()
    {
        foreach (var run in owned) run.Dispose(); // shared runs are their keeper's
        owned.Clear();
        runs.Clear();
    }
}

/// <summary>
/// The final residual stream and recorded activations of one clean run; its full logits are unembedded only when
/// someone asks for them (and then kept), bit for bit what the full forward pass would have returned.
/// </summary>
public sealed class CachedRun(HookedTransformer model, Tensor final, ActivationCache cache) : IDisposable
{
    Tensor? logits;

    /// <summary>The final residual stream [b, p, d_model], before the final LayerNorm.</summary>
    public Tensor Final => final;

    public ActivationCache Cache => cache;

    /// <summary>The logits [b, p, vocab].</summary>
    public Tensor Logits => logits ??= model.ForwardFrom(model.Config.Layers, final).DetachFromDisposeScope();

    /// <summary>Bytes of the tensors this run holds (its logits too, once made).</summary>
    public long Bytes => Size(final) + (logits is null ? 0 : Size(logits)) + cache.Names.Sum(name => Size(cache[name]));

    /// <summary>As <see cref="Bytes"/>, with the logits counted whether made or not (what the run may come to hold).</summary>
    public long BytesWithLogits => Bytes + (logits is null ? final.shape[0] * final.shape[1] * model.Config.VocabSize * sizeof(float) : 0);

    static long Size(Tensor t) => t.NumberOfElements * t.ElementSize;

    /// <summary>The final LayerNorm's scale [b, p, 1] (null when the model has none).</summary>
    public Tensor? FinalScale => model.Config.HasNormalization ? cache[HookNames.FinalScale] : null;

    /// <summary>The metric of batches on this run, read by every experiment that reads the run.</summary>
    internal MetricReader Reader(MetricSpec metric, IReadOnlyList<Example> references) => readers.For(metric, model, references, final, FinalScale);

    readonly MetricReaders readers = new();

    public void Dispose()
    {
        readers.Dispose();
        logits?.Dispose();
        final.Dispose();
        cache.Dispose();
    }
}
