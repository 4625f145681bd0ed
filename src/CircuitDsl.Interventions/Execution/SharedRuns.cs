using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Clean runs kept from one experiment to the next on the same model: the hypotheses of a file that read the same
/// token batches (the same data, seed and batch size) make each of those forward passes once. A run is found by its
/// tokens and the hooks it records, so what is reused is exactly what would have been recomputed, bit for bit. At
/// most <see cref="BudgetBytes"/> of activations are kept; past that, runs are made and freed per batch as before.
/// The owner disposes the kept runs (the CLI after each file).
/// </summary>
public sealed class SharedRuns(HookedTransformer model, long budgetBytes) : IDisposable
{
    /// <summary>The default budget, per model: every batch of the zoo's models; of a GPT-2-small-sized model at 32 × 20 tokens about one run.</summary>
    public const long DefaultBudgetBytes = 512L << 20;

    readonly Dictionary<int[], (IReadOnlySet<string> Hooks, CachedRun Run)> runs = new(IntSequenceComparer.Instance);
    long kept;

    public HookedTransformer Model => model;

    public long BudgetBytes => budgetBytes;

    /// <summary>Whether runs made from now on are offered for keeping (false while no later experiment could read them).</summary>
    public bool Keeping { get; set; } = true;

    /// <summary>How many runs were read from here instead of being made again.</summary>
    public int Reused { get; private set; }

    /// <summary>Bytes of activations kept now.</summary>
    public long KeptBytes => kept;

    internal bool TryGet(int[] tokens, IReadOnlySet<string> hooks, out CachedRun run)
    {
        run = null!;
        if (!runs.TryGetValue(tokens, out var entry) || !entry.Hooks.SetEquals(hooks)) return false;
        run = entry.Run;
        Reused++;
        return true;
    }

    /// <summary>Takes ownership of <paramref name="run"/> when it is wanted and fits the budget.</summary>
    internal bool TryKeep(int[] tokens, IReadOnlySet<string> hooks, CachedRun run)
    {
        if (!Keeping || runs.ContainsKey(tokens)) return false;
        long bytes = run.BytesWithLogits; // logits a check may unembed later stay with the run: counted as if made
        if (kept + bytes > budgetBytes) return false;
        runs[tokens] = (hooks, run);
        kept += bytes;
        return true;
    }

    public void Dispose()
    {
        foreach (var (_, run) in runs.Values) run.Dispose();
        runs.Clear();
        kept = 0;
    }
}
