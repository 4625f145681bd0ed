using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Clean activations for a matrix of worlds (a world per row and position, [rows × positions] row-major): entry
/// (r, p) is the activation at p of the clean run of world W[r, p]. Worlds that are one per row and number no more
/// than the batch are read from the run of that vector (the run the per-example engine makes, so the identity
/// hypothesis reads the model's own run); otherwise the distinct worlds are run once, together, and gathered.
/// </summary>
internal sealed class WorldGather(Dataset dataset, RunCache runs, int batchSize)
{
    readonly int length = dataset.Length;

    // The distinct worlds and gather index of each world matrix read so far (a node reads one matrix several times).
    readonly Dictionary<int[], (int[] Distinct, Tensor Index)> indices = new(ReferenceEqualityComparer.Instance);

    /// <summary>[rows, positions, ...] of what <paramref name="read"/> takes from a run, at every world.</summary>
    public Tensor Read(int[] worlds, Func<CachedRun, Tensor> read)
    {
        int rows = worlds.Length / length;
        if (rows <= batchSize && OnePerRow(worlds, rows))
            return read(runs.Get(dataset, [.. Enumerable.Range(0, rows).Select(r => worlds[r * length])]));
        if (!indices.TryGetValue(worlds, out var gather)) indices[worlds] = gather = Index(worlds);
        var all = read(runs.Get(dataset, gather.Distinct));
        long[] rest = all.shape[2..];
        var flat = all.reshape([gather.Distinct.Length * length, .. rest]);
        return flat.index_select(0, gather.Index).view([rows, length, .. rest]);
    }

    (int[], Tensor) Index(int[] worlds)
    {
        var distinct = worlds.Distinct().Order().ToArray();
        var slot = new Dictionary<int, int>(distinct.Length);
        for (int k = 0; k < distinct.Length; k++) slot[distinct[k]] = k;
        var index = new long[worlds.Length];
        for (int j = 0; j < worlds.Length; j++) index[j] = (long)slot[worlds[j]] * length + j % length;
        return (distinct, tensor(index));
    }

    bool OnePerRow(int[] worlds, int rows)
    {
        for (int r = 0; r < rows; r++)
            for (int p = 1; p < length; p++)
                if (worlds[r * length + p] != worlds[r * length]) return false;
        return true;
    }
}
