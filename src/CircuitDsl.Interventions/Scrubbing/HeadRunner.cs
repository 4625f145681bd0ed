using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Runs heads of one layer on given q/k/v inputs (the residual stream plus each channel's delta) and returns their
/// outputs [rows, P, d]. Rows that matter only up to a horizon (a row made for one query position) run on that
/// prefix alone, in a few buckets of prefix lengths: attention is causal, so an output at p reads nothing after p,
/// and positions past a row's horizon are left at zero (nothing that is scored reads them).
/// </summary>
internal sealed class HeadRunner(ComponentHooks hooks, int layer, int[] heads, int length)
{
    const int Buckets = 4;

    public Tensor[] Run(Tensor residual, Dictionary<Channel, Tensor> inputs, int[] horizons)
    {
        int rows = horizons.Length;
        if (horizons.All(h => h == length - 1)) return Forward(residual, inputs);
        var order = Enumerable.Range(0, rows).OrderBy(r => horizons[r]).ToArray();
        var parts = heads.Select(_ => new List<Tensor>()).ToArray();
        for (int b = 0, from = 0; b < Buckets && from < rows; b++)
        {
            int until = b == Buckets - 1 ? rows : Math.Max(from, (int)((long)rows * (b + 1) / Buckets));
            if (until == from) continue;
            int prefix = horizons[order[until - 1]] + 1;
            var index = tensor(order[from..until].Select(r => (long)r).ToArray());
            var slice = Forward(Prefix(residual, index, prefix), inputs.ToDictionary(kv => kv.Key, kv => Prefix(kv.Value, index, prefix)));
            for (int i = 0; i < heads.Length; i++)
                parts[i].Add(prefix == length ? slice[i] : nn.functional.pad(slice[i], [0, 0, 0, length - prefix]));
            from = until;
        }
        var inverse = new long[rows];
        for (int k = 0; k < rows; k++) inverse[order[k]] = k;
        var back = tensor(inverse);
        return parts.Select(p => cat(p, 0).index_select(0, back)).ToArray();
    }

    /// <summary>Rows <paramref name="index"/> of <paramref name="t"/> (broadcast ones kept), positions 0 .. prefix − 1.</summary>
    static Tensor Prefix(Tensor t, Tensor index, int prefix) =>
        (t.shape[0] == 1 ? t : t.index_select(0, index)).narrow(1, 0, Math.Min(prefix, t.shape[1]));

    Tensor[] Forward(Tensor residual, Dictionary<Channel, Tensor> inputs)
    {
        var model = hooks.Model;
        var component = Component.Head(layer, heads[0]);
        var interventions = inputs.Select(kv => Intervention.Replace(
            hooks.InputHook(component, kv.Key), (residual + kv.Value).unsqueeze(2), hooks.InputSelection(heads, kv.Key))).ToArray();
        using var cache = new ActivationCache();
        string result = model.Hooks.Layers[layer].Result;
        model.ForwardFrom(layer, residual, new RunOptions
        {
            Interventions = interventions, Cache = cache, CacheFilter = n => n == result, StopAtLayer = layer + 1,
        }).Dispose();
        return heads.Select(h => cache[result].select(2, h).clone()).ToArray();
    }
}
