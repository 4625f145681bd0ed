using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Ablation;

/// <summary>
/// Per-position means of component activations over the counterfactual pool, overall or per example group (IOI's
/// per-template means), accumulated batch by batch in float64 so that memory does not grow with the pool.
/// </summary>
public sealed class MeanActivations : IDisposable
{
    readonly Dictionary<(Component, string), Tensor> means = [];

    /// <summary>The key of the mean over the whole pool, which per-group means are kept beside (no group is named so).</summary>
    const string WholePool = "\0whole pool";

    MeanActivations() { }

    public static MeanActivations Compute(ComponentHooks hooks, Dataset dataset, IReadOnlyCollection<Component> components, bool perGroup, int batchSize)
    {
        var result = new MeanActivations();
        if (components.Count == 0) return result;
        var sums = new Dictionary<(Component, string), Tensor>();
        var counts = new Dictionary<string, int>();
        foreach (var (start, end) in TokenBatch.Ranges(dataset.Pool.Count, batchSize))
        {
            using var scope = NewDisposeScope();
            using var runs = new RunCache(hooks.Model, hooks.StandardHooks());
            var data = Enumerable.Range(start, end - start).Select(dataset.PoolDatum).ToArray();
            var run = runs.Get(dataset, data);
            var groups = data.Select(d => perGroup ? dataset.Datum(d).Group ?? "" : WholePool).ToArray();
            // With per-group means the whole pool's is kept too: one plan may ask for both (a sensitivity run does).
            foreach (var g in perGroup ? groups.Distinct().Append(WholePool) : [WholePool])
            {
                var rows = tensor(groups.Select((x, i) => (x, i)).Where(t => g == WholePool || t.x == g).Select(t => (long)t.i).ToArray());
                counts[g] = counts.GetValueOrDefault(g) + (int)rows.shape[0];
                foreach (var c in components)
                {
                    var sum = ActivationSource.Read(hooks, run, c).index_select(0, rows).to(ScalarType.Float64).sum([0]); // sum(0) would bind to sum(ScalarType)
                    sums[(c, g)] = sums.TryGetValue((c, g), out var s) ? (s + sum).DetachFromDisposeScope() : sum.DetachFromDisposeScope();
                    s?.Dispose();
                }
            }
        }
        using var final = NewDisposeScope();
        foreach (var ((c, g), sum) in sums)
        {
            result.means[(c, g)] = (sum / counts[g]).to(ScalarType.Float32).DetachFromDisposeScope();
            sum.Dispose();
        }
        return result;
    }

    /// <summary>The mean [b, p, d] for each reference (its group's mean when per group).</summary>
    public Tensor For(Component c, IReadOnlyList<Example> references, bool perGroup)
    {
        if (!perGroup) return means[(c, WholePool)].unsqueeze(0).expand(references.Count, -1, -1);
        return stack(references.Select(r => means.TryGetValue((c, r.Group ?? ""), out var m)
            ? m
            : throw new InvalidOperationException($"no pool example has group '{r.Group}' ({r.Source}); a per-group mean needs one")).ToArray());
    }

    public void Dispose()
    {
        foreach (var t in means.Values) t.Dispose();
        means.Clear();
    }
}
