using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

// Pass D into heads' q/k/v inputs: the receivers read what pass C recorded, and everything downstream is recomputed.
public sealed partial class PathPatcher
{
    /// <summary>
    /// Whether pass D recomputes, in the first receiver layer, only the heads whose inputs a receiver changes (and, when
    /// that layer is the last, only at the metric's rows); false runs the whole tail of the model from that layer, as
    /// before (the reference the narrowed form is tested against).
    /// </summary>
    public bool TouchedHeadsOnly { get; init; } = true;

    /// <summary>
    /// Pass D: the receivers read what pass C recorded (computed at <paramref name="rows"/> only, when given; the
    /// clean stream elsewhere, which a receiver's positions never reach), everything from the first receiver's layer
    /// on is recomputed for every variant at once, up to the final stream. Attention is causal, so nothing before the
    /// earliest position a receiver reads at can change: from there on only (a receiver at END alone: one row per
    /// example), with the earlier positions' keys and values read from the clean run (<see cref="HookedTransformer.ForwardTail"/>).
    /// In the first receiver layer the heads no receiver feeds read clean inputs, so their outputs are the clean run's
    /// (<see cref="TouchedHeadsOnly"/>): only the touched heads run there (<see cref="HookedTransformer.HeadResults"/>),
    /// and when it is the last layer, only at <paramref name="metricRows"/>, whose final stream is all the metric reads.
    /// </summary>
    FinalStream HeadReceivers(PathPatchSpec spec, VariantChunk chunk, VariantChunk passC, Dictionary<int, Tensor> recorded, Tensor? rows, Tensor? metricRows)
    {
        var model = hooks.Model;
        var names = model.Hooks.Layers;
        int start = spec.Receivers.Min(r => r.Component.Layer);
        var values = new Dictionary<int, Tensor>();
        // What the receivers of a layer read, per variant [v, b, p, d]: pass C's stream (receivers before every sender: the clean one).
        Tensor ValueAt(int layer)
        {
            if (values.TryGetValue(layer, out var value)) return value;
            var cleanInput = chunk.Clean.Cache[names[layer].ResidPre];
            return values[layer] = recorded.TryGetValue(layer, out var rec) && passC.IsPerVariant(rec)
                ? rows is null ? rec : AtEveryPosition(chunk, cleanInput, rec, rows)
                : chunk.PerVariant(cleanInput);
        }
        var inputs = new List<ReceiverInput>();
        Tensor changed = zeros(chunk.Variants, chunk.Batch, dtype: ScalarType.Bool);
        foreach (var r in spec.Receivers)
        {
            int layer = r.Component.Layer;
            var value = ValueAt(layer);
            var positions = chunk.Mask(r.Positions);
            changed = changed | (Unchanged.DiffersAlongLast(value, chunk.Clean.Cache[names[layer].ResidPre]) & positions).any(-1);
            // A k or v receiver is its key/value head's input: under grouped-query attention the whole group reads it.
            if (!TouchedHeadsOnly || layer > start)
                inputs.Add(new(hooks.InputHook(r.Component, r.Component.Channel), chunk.Rows(value), hooks.InputSlice(r.Component.HeadIndex, r.Component.Channel), chunk.Repeat(positions)));
        }
        int first = FirstPositionRead(spec, chunk);
        if (!TouchedHeadsOnly)
        {
            // Pass D stops at the final stream: the metric unembeds only the rows it reads.
            var final = chunk.FromRows(FromFirstPosition(chunk, start, first, inputs));
            // A variant whose receivers got exactly their clean inputs is the clean run (pass D would only add rounding).
            return new FinalStream(where(changed.view(chunk.Variants, chunk.Batch, 1, 1), final, chunk.Clean.Final));
        }
        var layerReceivers = spec.Receivers.Where(r => r.Component.Layer == start).ToArray();
        var heads = new TouchedHeads(hooks, chunk, layerReceivers, ValueAt(start), first);
        return start == model.Config.Layers - 1
            ? LastLayer(chunk, heads, start, first, changed, metricRows)
            : FromReceiverLayer(chunk, heads, start, first, changed, inputs);
    }

    /// <summary>
    /// The receivers all read the last layer: the final stream at the metric's rows (every row when none are given) is
    /// the clean one plus, through the attention output (and the MLP at those rows), the touched heads' change there.
    /// </summary>
    FinalStream LastLayer(VariantChunk chunk, TouchedHeads heads, int layer, int first, Tensor changed, Tensor? metricRows)
    {
        var model = hooks.Model;
        var config = model.Config;
        var names = model.Hooks.Layers[layer];
        var clean = chunk.Clean.Cache;
        int length = (int)chunk.Clean.Final.shape[1];
        long tail = length - first;
        var all = metricRows ?? arange(chunk.Batch * length, dtype: ScalarType.Int64);
        var positions = all.remainder(length);
        // Rows before the first position read are the clean run's; the others are computed.
        var computedAt = (positions >= first).nonzero().squeeze(-1);
        var computedRows = all.index_select(0, computedAt);
        long m = computedRows.shape[0];
        var cleanFinal = Flat(chunk.Clean.Final).index_select(0, all).expand(chunk.Variants, -1, -1);
        if (m == 0)
            return metricRows is null ? Stream(chunk, cleanFinal) : new FinalStream(cleanFinal, null, AtMetricRows: true, MayDiffer: zeros(chunk.Variants, all.shape[0], dtype: ScalarType.Bool));
        var queryRow = computedRows.div(length, rounding_mode: RoundingMode.floor) * tail + computedRows.remainder(length) - first;
        var queryRows = (arange(chunk.Variants, dtype: ScalarType.Int64).unsqueeze(1) * (chunk.Batch * tail) + queryRow.unsqueeze(0)).flatten();
        var results = model.HeadResults(layer, heads.Heads, heads.Queries, heads.Keys, heads.Values, first, Prefix(chunk, layer, first), queryRows)
            .view(chunk.Variants, m, heads.Heads.Count, config.DModel);
        var cleanResults = Flat(clean[names.Result]).index_select(0, computedRows); // [m, heads, d]
        var delta = Summed(results - cleanResults.index_select(1, heads.Index), 2); // [v, m, d]
        Tensor At(string hook) => Flat(clean[hook]).index_select(0, computedRows);
        Tensor final;
        if (!config.HasMlp && !config.SandwichNorms)
        {
            // The block adds only the attention output, so its change is the touched heads' change: clean final + delta.
            final = (m < all.shape[0] ? Flat(chunk.Clean.Final).index_select(0, computedRows) : cleanFinal) + delta;
        }
        else
        {
            var attention = config.SandwichNorms
                ? model.AttentionOut(layer, cleanResults.sum(1) + delta)
                : At(names.AttnOut) + delta;
            var mid = At(names.ResidPre) + attention;
            final = config.ParallelResidual ? mid + At(names.MlpOut) // a parallel block's MLP reads the clean resid_pre
                : mid + model.MlpOut(layer, mid);
        }
        if (m < all.shape[0]) final = cleanFinal.clone().index_copy_(1, computedAt, final);
        // A variant whose receivers got exactly their clean inputs is the clean run (this would only add rounding).
        var changedRows = changed.index_select(1, all.div(length, rounding_mode: RoundingMode.floor)); // [v, rows]
        if (metricRows is null) return Stream(chunk, where(changedRows.unsqueeze(-1), final, cleanFinal));
        // At the metric's rows the metric takes the clean values wherever the stream is the clean run's.
        return new FinalStream(final, null, AtMetricRows: true, MayDiffer: changedRows & (positions >= first).unsqueeze(0));
    }

    /// <summary>The final stream at every row, [v, b, p, d].</summary>
    static FinalStream Stream(VariantChunk chunk, Tensor final) => new(final.reshape(chunk.Variants, chunk.Batch, -1, final.shape[^1]));

    /// <summary>
    /// A receiver layer before the last: its resid_post from the first position read on (clean stream plus the touched
    /// heads' change, the MLP recomputed), then the rest of the model from there, later receivers patched as they read.
    /// </summary>
    FinalStream FromReceiverLayer(VariantChunk chunk, TouchedHeads heads, int layer, int first, Tensor changed, List<ReceiverInput> later)
    {
        var model = hooks.Model;
        var config = model.Config;
        var names = model.Hooks.Layers[layer];
        var clean = chunk.Clean.Cache;
        long tail = chunk.Clean.Final.shape[1] - first;
        Tensor Tail(string hook) => clean[hook].narrow(1, first, tail);
        var results = model.HeadResults(layer, heads.Heads, heads.Queries, heads.Keys, heads.Values, first, Prefix(chunk, layer, first))
            .view(chunk.Variants, chunk.Batch, tail, heads.Heads.Count, config.DModel);
        var cleanResults = Tail(names.Result); // [b, t, heads, d]
        var delta = Summed(results - cleanResults.index_select(2, heads.Index), 3); // [v, b, t, d]
        var attention = config.SandwichNorms
            ? chunk.FromRows(model.AttentionOut(layer, chunk.Rows(cleanResults.sum(2) + delta)))
            : Tail(names.AttnOut) + delta;
        var mid = chunk.Rows(Tail(names.ResidPre) + attention); // [v·b, t, d]
        var post = !config.HasMlp ? mid
            : config.ParallelResidual ? mid + chunk.Repeat(Tail(names.MlpOut))
            : mid + model.MlpOut(layer, mid);
        var computed = model.ForwardTail(layer + 1, post, first, l => CleanPrefix(chunk, l, first),
            new RunOptions { Interventions = [.. later.Select(i => i.Replacing(first))], StopAtLayer = config.Layers });
        var final = chunk.FromRows(cat([chunk.Repeat(chunk.Clean.Final.narrow(1, 0, first)), computed], 1));
        return new FinalStream(where(changed.view(chunk.Variants, chunk.Batch, 1, 1), final, chunk.Clean.Final));
    }

    /// <summary>The clean keys (after rotation) and values of positions before <paramref name="first"/>, once per variant; null when there are none.</summary>
    KeyValuePrefix? Prefix(VariantChunk chunk, int layer, int first) => first == 0 ? null : CleanPrefix(chunk, layer, first);

    KeyValuePrefix CleanPrefix(VariantChunk chunk, int layer, int first)
    {
        var clean = chunk.Clean.Cache;
        var model = hooks.Model;
        return new(chunk.Repeat(clean[model.PrefixKeyHook(layer)].narrow(1, 0, first)), chunk.Repeat(clean[model.Hooks.Layers[layer].V].narrow(1, 0, first)));
    }

    /// <summary>The sum over the touched heads' axis (one head: the axis dropped, no reduction run).</summary>
    static Tensor Summed(Tensor perHead, long axis) => perHead.shape[axis] == 1 ? perHead.squeeze(axis) : perHead.sum(axis);

    /// <summary>[b, p, ...] as [b·p, ...].</summary>
    static Tensor Flat(Tensor t) => t.flatten(0, 1);

    /// <summary>The earliest position (over the batch) at which some receiver reads.</summary>
    static int FirstPositionRead(PathPatchSpec spec, VariantChunk chunk)
    {
        if (spec.Receivers.Any(r => r.Positions.IsAll)) return 0;
        var read = spec.Receivers.Select(r => chunk.Mask(r.Positions)).Aggregate((a, b) => a | b).any(0);
        return read.any().item<bool>() ? (int)read.nonzero()[0, 0].item<long>() : 0;
    }

    /// <summary>
    /// Pass D's rows [v·b, p, d] when nothing before <paramref name="first"/> changes: the tail computed, the rest the
    /// clean stream (with receivers at position 0, the whole of it computed).
    /// </summary>
    Tensor FromFirstPosition(VariantChunk chunk, int start, int first, List<ReceiverInput> inputs)
    {
        var model = hooks.Model;
        var clean = chunk.Clean.Cache;
        long tail = chunk.Clean.Final.shape[1] - first;
        var computed = model.ForwardTail(start, chunk.Repeat(clean[model.Hooks.Layers[start].ResidPre]).narrow(1, first, tail), first, l => CleanPrefix(chunk, l, first),
            new RunOptions { Interventions = [.. inputs.Select(i => i.Replacing(first))], StopAtLayer = model.Config.Layers });
        return cat([chunk.Repeat(chunk.Clean.Final.narrow(1, 0, first)), computed], 1);
    }

    /// <summary>What a receiver reads in pass D: its input hook and slice, the stream [v·b, p, d] it reads, and where [v·b, p].</summary>
    sealed record ReceiverInput(string Hook, Tensor Value, int Slice, Tensor Positions)
    {
        /// <summary>The replacement of the receiver's input for a run that starts at position <paramref name="first"/>.</summary>
        public Intervention Replacing(int first)
        {
            long length = Value.shape[1] - first;
            return Intervention.Replace(Hook, Value.narrow(1, first, length).unsqueeze(2),
                new Selection { Heads = [Slice], PositionMask = Positions.narrow(1, first, length) });
        }
    }

    /// <summary>[v, b, p, d]: the clean stream, with each variant's rows computed by pass C in place.</summary>
    static Tensor AtEveryPosition(VariantChunk chunk, Tensor clean, Tensor atRows, Tensor rows)
    {
        var full = clean.flatten(0, 1).unsqueeze(0).repeat(chunk.Variants, 1, 1);
        full.index_copy_(1, rows, atRows);
        return full.view(chunk.Variants, chunk.Batch, clean.shape[1], clean.shape[2]);
    }
}
