using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// Sender variants stacked over one batch of references. A tensor of the chunk is either shared by every variant
/// ([b, p, ...], e.g. a clean activation, broadcast rather than copied) or per variant ([v, b, p, ...]); the model
/// itself runs on rows ([v·b, p, ...]). A variant's sender delta goes into its own slice only, so variants without a
/// sender in a layer cost nothing there.
/// </summary>
internal sealed class VariantChunk(ComponentHooks hooks, PatchEndpoint[][] variants, CachedRun clean, CachedRun corrupted, IReadOnlyList<Example> references)
{
    readonly Dictionary<PositionSet, Tensor> masks = [];

    public CachedRun Clean => clean;
    public CachedRun Corrupted => corrupted;
    public int Variants => variants.Length;
    public int Batch => references.Count;

    public bool IsPerVariant(Tensor t) => t.dim() == (long)clean.Logits.dim() + 1;

    /// <summary>[v, b, p, ...]: a shared tensor broadcast to every variant (a view).</summary>
    public Tensor PerVariant(Tensor t) => IsPerVariant(t) ? t : t.expand([Variants, .. t.shape]);

    /// <summary>[v·b, p, ...]: what the model runs on (of the variants <paramref name="t"/> holds, when it is per variant).</summary>
    public Tensor Rows(Tensor t) => IsPerVariant(t) ? t.reshape([t.shape[0] * Batch, .. t.shape[2..]]) : Repeat(t);

    /// <summary>[v, b, p, ...] from rows the model computed.</summary>
    public Tensor FromRows(Tensor rows) => rows.view([rows.shape[0] / Batch, Batch, .. rows.shape[1..]]);

    /// <summary>A shared tensor copied once per variant (of <paramref name="variants"/>, by default all) along the batch ([v·b, p, ...]).</summary>
    public Tensor Repeat(Tensor t, long? variants = null) => t.repeat([variants ?? Variants, .. Enumerable.Repeat(1L, (int)t.dim() - 1)]);

    /// <summary>The boolean [b, p] mask of <paramref name="positions"/> on the references.</summary>
    public Tensor Mask(PositionSet positions) =>
        masks.TryGetValue(positions, out var m) ? m : masks[positions] = ComponentHooks.PositionMask(positions, references, (int)clean.Logits.shape[1]);

    /// <summary>Per variant, the union of the positions of its senders that <paramref name="select"/> picks ([v, b, p]); null when no variant has one.</summary>
    public Tensor? Mask(Func<PatchEndpoint, bool> select)
    {
        if (!variants.Any(vs => vs.Any(select))) return null;
        return stack(variants.Select(vs => vs.Where(select)
            .Aggregate(zeros(Batch, clean.Logits.shape[1], dtype: ScalarType.Bool), (m, s) => m | Mask(s.Positions))).ToArray());
    }

    /// <summary>
    /// <paramref name="logits"/> ([v, b, p, vocab], the chunk's own) with the clean logits wherever
    /// <paramref name="changed"/> ([v, b, p], or [v, b] for whole rows) is false. Usually few places are unchanged,
    /// and copying the clean logits into those few beats rewriting every logit.
    /// </summary>
    public Tensor CleanWhereUnchanged(Tensor logits, Tensor changed)
    {
        var unchanged = changed.logical_not();
        long count = unchanged.sum().item<long>();
        if (count == 0) return logits;
        var clean = Clean.Logits.expand(logits.shape);
        if (count * 4 > unchanged.numel()) // more than a quarter unchanged: rewriting every logit is cheaper
            return where(changed.view([.. changed.shape, .. Enumerable.Repeat(1L, (int)(logits.dim() - changed.dim()))]), logits, clean);
        return logits.index_put_(clean[unchanged], unchanged);
    }

    /// <summary>Whether any element along the last axis is true. any() over bytes is markedly faster than over bools (1.3 against 2.1 ms on the zoo model's chunk), and keeps their type.</summary>
    public static Tensor AnyAlongLast(Tensor flags) => flags.to(ScalarType.Byte).any(-1).to(ScalarType.Bool);

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
                var delta = hooks.ReadOutput(corrupted.Cache, s.Component) - hooks.ReadOutput(clean.Cache, s.Component);
                if (!s.Positions.IsAll) delta = Mask(s.Positions).unsqueeze(-1).to(delta.dtype) * delta;
                sum = sum is null ? delta : sum + delta;
            }
            if (sum is not null) result[k].add_(sum);
        }
        return result;
    }
}
