using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// Sender variants stacked over one batch of references. A tensor of the chunk is either shared by every variant
/// (e.g. a clean activation, broadcast rather than copied) or per variant (a leading axis v); the model itself runs
/// on rows. A variant's sender delta goes into its own slice only, so variants without a sender in a layer cost
/// nothing there. The chunk holds either every position ([b, p, ...], the model runs on [v·b, p, ...]) or, when
/// only some positions matter and nothing mixes positions, only the rows <c>rows</c> picks from the b·p positions
/// ([n, ...], the model runs on [v, n, ...] as v batches of n positions).
/// </summary>
internal sealed class VariantChunk(ComponentHooks hooks, PatchEndpoint[][] variants, CachedRun clean, CachedRun corrupted,
    IReadOnlyList<Example> references, Tensor? rows = null)
{
    readonly Dictionary<PositionSet, Tensor> masks = [];

    public CachedRun Clean => clean;
    public CachedRun Corrupted => corrupted;
    public int Variants => variants.Length;
    public int Batch => references.Count;
    public bool AtRows => rows is not null;
    int Length => (int)clean.Final.shape[1];

    /// <summary>
    /// How many leading variants a sender may have changed by the end of layer <paramref name="layer"/>: every later
    /// variant's senders all write after it, so its stream there is still the clean one, bit for bit.
    /// </summary>
    public int ChangedBy(int layer)
    {
        for (int k = Variants - 1; k >= 0; k--)
            if (variants[k].Any(s => PathPatchValidation.SenderLayer(s) <= layer)) return k + 1;
        return 0;
    }

    /// <summary>
    /// How many leading variants a sender may have changed before layer <paramref name="layer"/> reads (its resid_pre,
    /// which a parallel block's MLP reads): those with an embedding sender or a sender in an earlier layer.
    /// </summary>
    public int ChangedBefore(int layer)
    {
        for (int k = Variants - 1; k >= 0; k--)
            if (variants[k].Any(s => s.Component.IsEmbedding || s.Component.Layer < layer)) return k + 1;
        return 0;
    }

    /// <summary>A cached [b, p, ...] tensor in the chunk's layout: itself, or its rows [n, ...].</summary>
    public Tensor Take(Tensor cached) => rows is null ? cached : cached.flatten(0, 1).index_select(0, rows);

    public bool IsPerVariant(Tensor t) => t.dim() == (rows is null ? 3 : 2) + 1;

    /// <summary>A shared stream broadcast to every variant (a view).</summary>
    public Tensor PerVariant(Tensor t) => IsPerVariant(t) ? t : t.expand([Variants, .. t.shape]);

    /// <summary>What the model runs on (of the variants <paramref name="t"/> holds, when it is per variant).</summary>
    public Tensor Rows(Tensor t) => !IsPerVariant(t) ? Repeat(t) : rows is null ? t.reshape([t.shape[0] * Batch, .. t.shape[2..]]) : t;

    /// <summary>Per variant, from what the model computed.</summary>
    public Tensor FromRows(Tensor computed) => rows is null ? computed.view([computed.shape[0] / Batch, Batch, .. computed.shape[1..]]) : computed;

    /// <summary>A shared tensor (in the chunk's layout) once per variant (of <paramref name="variants"/>, by default all), as the model runs on it.</summary>
    public Tensor Repeat(Tensor t, long? variants = null) => rows is null
        ? t.repeat([variants ?? Variants, .. Enumerable.Repeat(1L, (int)t.dim() - 1)])
        : t.expand([variants ?? Variants, .. t.shape]);

    /// <summary>The boolean mask of <paramref name="positions"/> on the references, in the chunk's layout ([b, p] or [n]).</summary>
    public Tensor Mask(PositionSet positions) =>
        masks.TryGetValue(positions, out var m) ? m : masks[positions] = Take(ComponentHooks.PositionMask(positions, references, Length));

    /// <summary>Per variant, the union of the positions of its senders that <paramref name="select"/> picks; null when no variant has one.</summary>
    public Tensor? Mask(Func<PatchEndpoint, bool> select)
    {
        if (!variants.Any(vs => vs.Any(select))) return null;
        var none = zeros_like(Mask(PositionSet.All));
        return stack(variants.Select(vs => vs.Where(select).Aggregate(none, (m, s) => m | Mask(s.Positions))).ToArray());
    }

    /// <summary>
    /// Adds to each variant's slice of <paramref name="stream"/> its senders' x_new − x_orig outputs at their positions
    /// (the senders <paramref name="select"/> picks), summed in sender order. <paramref name="stream"/> must be a
    /// tensor of this chunk's own: it is changed in place when it is per variant.
    /// </summary>
    public Tensor PlusDeltas(Tensor stream, Func<PatchEndpoint, bool> select)
    {
        if (!variants.Any(vs => vs.Any(select))) return stream;
        var result = IsPerVariant(stream) ? stream : PerVariant(stream).clone();
        for (int k = 0; k < Variants; k++)
        {
            Tensor? sum = null;
            foreach (var s in variants[k].Where(select))
            {
                var delta = Take(hooks.ReadOutput(corrupted.Cache, s.Component)) - Take(hooks.ReadOutput(clean.Cache, s.Component));
                if (!s.Positions.IsAll) delta = Mask(s.Positions).unsqueeze(-1).to(delta.dtype) * delta;
                sum = sum is null ? delta : sum + delta;
            }
            if (sum is not null) result[k].add_(sum);
        }
        return result;
    }
}
