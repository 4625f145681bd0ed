using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// Path patching computed from the two cached runs, for many sender sets at once. Pass C of Algorithm 1 freezes
/// every head but the senders, so every head output is read from a cache, never recomputed: from the first layer a
/// sender changes, the residual stream is
/// <code>resid_mid[l] = resid[l] + attn_out_clean[l] + Σ_{senders s in layer l} mask_s ⊙ (result_new[s] − result_clean[s])
/// resid[l+1] = resid_mid[l] + MLP_l(resid_mid[l])   (recomputed; frozen on request; sender MLPs take their x_new value)</code>
/// and the receivers record resid at their layer. In a parallel block (GPT-NeoX) the MLP reads resid[l] instead (a
/// sender head of layer l does not reach MLP l); with sandwich norms (Gemma-2) attn_out is recomputed per variant as
/// ln1_post(Σ_h result_clean + Σ_{s in l} mask_s ⊙ (result_new[s] − result_clean[s]) + b_O), and MLP_l includes
/// ln2_post. Frozen LayerNorm freezes every norm pass C recomputes at its clean scale: ln2 (and ln1_post, ln2_post)
/// and, into the logits, ln_final. Pass D puts the recorded values into the receivers' q/k/v inputs
/// and recomputes everything downstream (or, for the logits, takes the final stream). Sender sets (variants) are
/// stacked along the batch (<see cref="VariantChunk"/>): clean activations are broadcast, not copied per variant, and
/// the stream becomes per variant at the first sender; a variant none of whose senders can reach a receiver is the
/// clean run, exactly. Into the logits nothing mixes positions (every head is read from a cache; MLPs and LayerNorm
/// act on each position alone), so only the rows the metric reads are computed at all.
/// </summary>
public sealed partial class PathPatcher(ComponentHooks hooks)
{
    public int MaxRows { get; init; } = 256;

    /// <summary>
    /// Runs every variant (a set of senders) against the same receivers and hands the final streams of some
    /// variants at a time to <paramref name="consume"/>, with their indices (the consumer must not keep the streams:
    /// they are freed after the call). With <paramref name="rows"/> (indices into the batch's b·p positions, as
    /// <see cref="Metrics.MetricReader.Rows"/>) a path into the logits is computed at those rows only and handed
    /// over as such (<see cref="FinalStream.AtMetricRows"/>); otherwise streams come at every position.
    /// </summary>
    public void Run(PathPatchSpec receivers, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, CachedRun clean, CachedRun corrupted,
        IReadOnlyList<Example> references, Action<IReadOnlyList<int>, FinalStream> consume, Tensor? rows = null)
    {
        foreach (var v in variants) PathPatchValidation.Check(receivers with { Senders = [.. v] }, hooks);
        int layers = hooks.Model.Config.Layers;
        int target = receivers.Receivers.Max(r => PathPatchValidation.ReceiverLayer(r, layers));
        var live = new List<int>();
        for (int v = 0; v < variants.Count; v++)
        {
            if (variants[v].Any(s => Reaches(s, target))) live.Add(v);
            else consume([v], FinalStream.Of(clean.Final));
        }
        // Earliest senders first: in each layer a chunk's variants that have not yet changed are a suffix, and their MLPs are not run.
        live = [.. live.OrderBy(v => variants[v].Where(s => Reaches(s, target)).Min(PathPatchValidation.SenderLayer))];
        // Pass C mixes no positions: into the logits it runs at the metric's rows, into heads at the receivers' positions.
        var atRows = receivers.ToLogits ? rows : ReceiverRows(receivers, references, (int)clean.Final.shape[1]);
        // MaxRows counts sequences of p positions: a variant costs b of them (pass D into heads runs every position),
        // or, into the logits at the metric's rows, n positions.
        long positions = MaxRows * clean.Final.shape[1];
        int chunk = (int)Math.Max(1, receivers.ToLogits && atRows is not null ? positions / Math.Max(1, atRows.shape[0]) : MaxRows / references.Count);
        for (int start = 0; start < live.Count; start += chunk)
        {
            var indices = live.Skip(start).Take(chunk).ToArray();
            RunChunk(receivers, indices.Select(i => variants[i].Where(s => Reaches(s, target)).ToArray()).ToArray(), clean, corrupted, references,
                streams => consume(indices, streams), atRows, rows);
        }
    }

    /// <summary>The b·p rows some head receiver reads at (null when one reads every position: nothing to leave out).</summary>
    static Tensor? ReceiverRows(PathPatchSpec spec, IReadOnlyList<Example> references, int length)
    {
        if (spec.Receivers.Any(r => r.Positions.IsAll)) return null;
        var union = spec.Receivers.Select(r => ComponentHooks.PositionMask(r.Positions, references, length)).Aggregate((a, b) => a | b);
        return union.flatten().nonzero().squeeze(-1);
    }

    /// <summary>A sender reaches a receiver at layer r directly only if it writes before layer r reads.</summary>
    static bool Reaches(PatchEndpoint s, int receiverLayer) => s.Component.IsEmbedding || s.Component.Layer < receiverLayer;

    void RunChunk(PathPatchSpec spec, PatchEndpoint[][] variants, CachedRun clean, CachedRun corrupted,
        IReadOnlyList<Example> references, Action<FinalStream> consume, Tensor? rows, Tensor? metricRows)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad(); // deltas are added in place
        var chunk = new VariantChunk(hooks, variants, clean, corrupted, references, rows);
        var config = hooks.Model.Config;
        var read = spec.Receivers.Select(r => PathPatchValidation.ReceiverLayer(r, config.Layers)).ToHashSet();
        int target = read.Max();
        // What the receivers of each layer read (the logits: the final stream, at layer n_layers).
        var recorded = config.HasMlp ? ThroughMlps(spec, chunk, variants, read, target) : read.ToDictionary(l => l, l => AttentionOnlyStream(chunk, l));
        consume(spec.ToLogits ? FinalReceiver(spec, chunk, recorded[target])
            : HeadReceivers(spec, new VariantChunk(hooks, variants, clean, corrupted, references), chunk, recorded, rows, metricRows));
    }

    /// <summary>Pass C with MLPs: from the first changed layer, every head read from the caches; only MLPs (and LayerNorm) run.</summary>
    Dictionary<int, Tensor> ThroughMlps(PathPatchSpec spec, VariantChunk chunk, PatchEndpoint[][] variants, HashSet<int> read, int target)
    {
        var config = hooks.Model.Config;
        var names = hooks.Model.Hooks.Layers;
        int first = variants.SelectMany(vs => vs).Min(PathPatchValidation.SenderLayer);
        var residual = chunk.Take(chunk.Clean.Cache[names[first].ResidPre]);
        if (first == 0) residual = chunk.PlusDeltas(residual, s => s.Component.IsEmbedding);
        var recorded = new Dictionary<int, Tensor>();
        for (int l = first; l < target; l++)
        {
            // A per-variant stream is this chunk's own: it grows in place unless a receiver keeps this layer's value.
            bool keep = read.Contains(l);
            if (keep) recorded[l] = residual;
            int layer = l;
            bool HeadIn(PatchEndpoint s) => s.Component.Kind == ComponentKind.Head && s.Component.Layer == layer;
            // A parallel block's MLP reads the block's input, which the senders of layer l have not changed.
            var parallelMlp = config.ParallelResidual
                ? Mlp(spec, chunk, l, residual, chunk.IsPerVariant(residual) ? chunk.ChangedBefore(l) : 0)
                : null;
            var mid = config.SandwichNorms
                ? Plus(chunk, residual, AttentionOut(spec, chunk, l, HeadIn), inPlace: !keep)
                : chunk.PlusDeltas(Plus(chunk, residual, chunk.Take(chunk.Clean.Cache[names[l].AttnOut]), inPlace: !keep), HeadIn);
            residual = Plus(chunk, mid, parallelMlp ?? Mlp(spec, chunk, l, mid, chunk.IsPerVariant(mid) ? chunk.ChangedBy(l) : 0), inPlace: true);
        }
        recorded[target] = residual;
        return recorded;
    }

    /// <summary>
    /// Pass C in an attention-only model: nothing between the senders and layer <paramref name="layer"/> (the final
    /// stream at the model's depth) is recomputed, so the stream there is the clean one plus the changes of the senders
    /// that write before it.
    /// </summary>
    Tensor AttentionOnlyStream(VariantChunk chunk, int layer)
    {
        var model = hooks.Model;
        var clean = layer == model.Config.Layers ? chunk.Clean.Final : chunk.Clean.Cache[model.Hooks.Layers[layer].ResidPre];
        return chunk.PlusDeltas(chunk.Take(clean), s => Reaches(s, layer));
    }

    static Tensor Plus(VariantChunk chunk, Tensor stream, Tensor addend, bool inPlace) =>
        inPlace && chunk.IsPerVariant(stream) ? stream.add_(addend) : stream + addend;

    /// <summary>
    /// Sandwich norms (Gemma-2): the attention block's output is ln1_post(Σ_h result + b_O), not a sum over heads, so per
    /// variant it is recomputed from the clean results with the senders' x_new − x_orig results added at their
    /// positions (ln1_post's scale frozen on request); where a variant's senders in the layer patch nothing, it keeps the
    /// clean output bit for bit.
    /// </summary>
    Tensor AttentionOut(PathPatchSpec spec, VariantChunk chunk, int l, Func<PatchEndpoint, bool> senders)
    {
        var model = hooks.Model;
        var names = model.Hooks.Layers[l];
        var cleanOut = chunk.Take(chunk.Clean.Cache[names.AttnOut]);
        // Per variant, the positions its senders in this layer patch; elsewhere the output is the clean one, exactly.
        var changed = chunk.Mask(senders);
        if (changed is null) return cleanOut;
        var sum = chunk.PlusDeltas(chunk.Take(chunk.Clean.Cache[names.Result].sum(2)), senders);
        var options = spec.FreezeLayerNorm
            ? new RunOptions { Interventions = [Intervention.Replace(names.Ln1PostScale, chunk.Repeat(chunk.Take(chunk.Clean.Cache[names.Ln1PostScale])))] }
            : null;
        var computed = chunk.FromRows(model.AttentionOut(l, chunk.Rows(sum), options));
        return where(changed.unsqueeze(-1), computed, cleanOut);
    }

    /// <summary>
    /// MLP l's output on <paramref name="mid"/> (resid_mid, or resid_pre in a parallel block): the clean one while
    /// nothing has changed (or when frozen), recomputed for the first <paramref name="changed"/> variants, sender MLPs
    /// taking x_new's.
    /// </summary>
    Tensor Mlp(PathPatchSpec spec, VariantChunk chunk, int l, Tensor mid, int changed)
    {
        var model = hooks.Model;
        var names = model.Hooks.Layers[l];
        var cleanMlp = chunk.Take(chunk.Clean.Cache[names.MlpOut]);
        var mlp = spec.FreezeMlps || changed == 0 ? cleanMlp : ChangedMlp(spec, chunk, l, mid.narrow(0, 0, changed));
        if (!spec.FreezeMlps && changed > 0 && changed < chunk.Variants)
            mlp = cat([mlp, cleanMlp.expand([chunk.Variants - changed, .. cleanMlp.shape])], 0); // the rest still read the clean stream, exactly
        var senders = chunk.Mask(s => s.Component.Kind == ComponentKind.Mlp && s.Component.Layer == l);
        return senders is null ? mlp : where(senders.unsqueeze(-1), chunk.Take(chunk.Corrupted.Cache[names.MlpOut]), mlp);
    }

    /// <summary>MLP l recomputed on the streams of the first variants (those a sender has changed by now).</summary>
    Tensor ChangedMlp(PathPatchSpec spec, VariantChunk chunk, int l, Tensor mid)
    {
        var model = hooks.Model;
        var names = model.Hooks.Layers[l];
        RunOptions? options = null;
        if (spec.FreezeLayerNorm && model.Config.HasNormalization)
        {
            Intervention Frozen(string scale) => Intervention.Replace(scale, chunk.Repeat(chunk.Take(chunk.Clean.Cache[scale]), mid.shape[0]));
            options = new RunOptions
            {
                Interventions = model.Config.SandwichNorms ? [Frozen(names.Ln2Scale), Frozen(names.Ln2PostScale)] : [Frozen(names.Ln2Scale)],
            };
        }
        var computed = model.MlpOut(l, chunk.Rows(mid), options).view(mid.shape); // back to per variant
        // Where a row's input is the clean one bit for bit, so is its output (the recomputation on other shapes may round differently).
        var unchanged = ~Unchanged.DiffersAlongLast(mid, chunk.Take(chunk.Clean.Cache[hooks.ReadHook(Component.Mlp(l))]));
        return where(unchanged.unsqueeze(-1), chunk.Take(chunk.Clean.Cache[names.MlpOut]), computed);
    }

    /// <summary>The logits receiver reads the final stream at its positions (the clean one elsewhere); the metric unembeds it.</summary>
    FinalStream FinalReceiver(PathPatchSpec spec, VariantChunk chunk, Tensor final)
    {
        var model = hooks.Model;
        var cleanFinal = chunk.Take(chunk.Clean.Final);
        final = chunk.PerVariant(final);
        if (!spec.Receivers[0].Positions.IsAll)
            final = where(chunk.Mask(spec.Receivers[0].Positions).unsqueeze(-1), final, cleanFinal);
        var scale = spec.FreezeLayerNorm && model.Config.HasNormalization ? chunk.PerVariant(chunk.Take(chunk.Clean.FinalScale!)) : null;
        return new FinalStream(final, scale, chunk.AtRows);
    }
}
