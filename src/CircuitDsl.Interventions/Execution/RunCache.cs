using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Clean runs of the model on batches of data, each made once and kept for as long as a batch is being worked on:
/// every check of an experiment that needs the clean (or corrupted, or resampled) run of the same inputs reads
/// the same cached activations. All runs record the same hooks, so their numbers are mutually consistent to the bit.
/// The caches hold the activations themselves, not copies: nothing in the engine changes a cached tensor in place.
/// </summary>
public sealed class RunCache : IDisposable
{
    readonly HookedTransformer model;
    readonly HashSet<string> hooks;
    readonly Dictionary<int[], CachedRun> runs = new(IntSequenceComparer.Instance);

    public RunCache(HookedTransformer model, IEnumerable<string> hooks)
    {
        this.model = model;
        this.hooks = hooks.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>How many forward passes this cache has made (for tests of reuse).</summary>
    public int Runs { get; private set; }

    /// <summary>The clean run of the given token sequences; <paramref name="key"/> identifies them (datum numbers).</summary>
    public CachedRun Get(int[] key, Func<Tensor> tokens)
    {
        if (runs.TryGetValue(key, out var run)) return run;
        using var scope = NewDisposeScope();
        var cache = new ActivationCache();
        var logits = model.Forward(tokens(), new RunOptions { Cache = cache, CacheFilter = hooks.Contains, CacheCopies = false });
        run = new CachedRun(logits.DetachFromDisposeScope(), cache);
        runs[key] = run;
        Runs++;
        return run;
    }

    /// <summary>The clean run of datum numbers in <paramref name="dataset"/> (its tokens, or counterfactual tokens).</summary>
    public CachedRun Get(Dataset dataset, int[] data, bool counterfactual = false)
    {
        var key = counterfactual ? data.Select(d => -1 - d).ToArray() : data;
        return Get(key, () => TokenBatch.Of(dataset, data, counterfactual));
    }

    public void Dispose()
    {
        foreach (var run in runs.Values) run.Dispose();
        runs.Clear();
    }
}

/// <summary>The logits and recorded activations of one clean run.</summary>
public sealed record CachedRun(Tensor Logits, ActivationCache Cache) : IDisposable
{
    public void Dispose()
    {
        Logits.Dispose();
        Cache.Dispose();
    }
}
