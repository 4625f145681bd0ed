using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// Path patching computed from the two cached runs, for many sender sets at once. Pass C of Algorithm 1 freezes
/// every head but the senders, so every head output is read from a cache, never recomputed: from the first layer a
/// sender changes, the residual stream is
/// <code>resid_mid[l] = resid[l] + attn_out_clean[l] + Σ_{senders s in layer l} mask_s ⊙ (result_new[s] − result_clean[s])
/// resid[l+1] = resid_mid[l] + MLP_l(resid_mid[l])   (recomputed; frozen on request; sender MLPs take their x_new value)</code>
/// and the receivers record resid at their layer. Pass D puts the recorded values into the receivers' q/k/v inputs
/// (or unembeds the final stream) and recomputes everything downstream. Sender sets (variants) are stacked along
/// the batch; a variant none of whose senders can reach a receiver is the clean run, exactly.
/// </summary>
public sealed class PathPatcher(ComponentHooks hooks)
{
    public int MaxRows { get; init; } = 256;

    /// <summary>
    /// Runs every variant (a set of senders) against the same receivers and hands each variant's logits [b, p, vocab]
    /// to <paramref name="consume"/> (which must not keep them: they are freed after the call).
    /// </summary>
    public void Run(PathPatchSpec receivers, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, CachedRun clean, CachedRun corrupted,
        IReadOnlyList<Example> references, Action<int, Tensor> consume)
    {
        foreach (var v in variants) PathPatchValidation.Check(receivers with { Senders = [.. v] }, hooks);
        int layers = hooks.Model.Config.Layers;
        int target = receivers.Receivers.Max(r => PathPatchValidation.ReceiverLayer(r, layers));
        var live = new List<int>();
        for (int v = 0; v < variants.Count; v++)
        {
            if (variants[v].Any(s => Reaches(s, target))) live.Add(v);
            else consume(v, clean.Logits);
        }
        int chunk = Math.Max(1, MaxRows / references.Count);
        for (int start = 0; start < live.Count; start += chunk)
        {
            var indices = live.Skip(start).Take(chunk).ToArray();
            RunChunk(receivers, indices.Select(i => variants[i].Where(s => Reaches(s, target)).ToArray()).ToArray(), clean, corrupted, references,
                (k, logits) => consume(indices[k], logits));
        }
    }

    /// <summary>A sender reaches a receiver at layer r directly only if it writes before layer r reads.</summary>
    static bool Reaches(PatchEndpoint s, int receiverLayer) => s.Component.IsEmbedding || s.Component.Layer < receiverLayer;

    void RunChunk(PathPatchSpec spec, PatchEndpoint[][] variants, CachedRun clean, CachedRun corrupted,
        IReadOnlyList<Example> references, Action<int, Tensor> consume)
    {
        using var scope = NewDisposeScope();
        var model = hooks.Model;
        var config = model.Config;
        int v = variants.Length, b = references.Count, length = (int)clean.Logits.shape[1];
        var masks = new Dictionary<PositionSet, Tensor>();
        Tensor Mask(PositionSet p) => masks.TryGetValue(p, out var m) ? m : masks[p] = ComponentHooks.PositionMask(p, references, length);
        Tensor Repeat(Tensor t) => t.repeat([v, .. Enumerable.Repeat(1L, (int)t.dim() - 1)]);

        // Per-variant deltas [v*b, p, d] from the senders a predicate selects (zeros for the others).
        Tensor? Stacked(Func<PatchEndpoint, bool> select)
        {
            if (!variants.Any(vs => vs.Any(select))) return null;
            var blocks = variants.Select(vs =>
            {
                Tensor sum = zeros_like(clean.Cache[HookNames.Embed]);
                foreach (var s in vs.Where(select))
                    sum = sum + Mask(s.Positions).unsqueeze(-1).to(sum.dtype) * (hooks.ReadOutput(corrupted.Cache, s.Component) - hooks.ReadOutput(clean.Cache, s.Component));
                return sum;
            }).ToArray();
            return cat(blocks, 0);
        }

        int layers = config.Layers;
        int target = spec.Receivers.Max(r => PathPatchValidation.ReceiverLayer(r, layers));
        int first = variants.SelectMany(vs => vs).Min(PathPatchValidation.SenderLayer);
        var names = model.Hooks.Layers;

        // Pass C: from the first changed layer, every head read from the caches; only MLPs (and LayerNorm) run.
        var residual = Repeat(clean.Cache[names[first].ResidPre]);
        if (first == 0 && Stacked(s => s.Component.IsEmbedding) is { } embedDelta) residual = residual + embedDelta;
        var recorded = new Dictionary<int, Tensor>();
        for (int l = first; l < target; l++)
        {
            recorded[l] = residual;
            var mid = residual + Repeat(clean.Cache[names[l].AttnOut]);
            if (Stacked(s => s.Component.Kind == ComponentKind.Head && s.Component.Layer == l) is { } headDelta) mid = mid + headDelta;
            if (!config.HasMlp)
            {
                residual = mid;
                continue;
            }
            var mlp = spec.FreezeMlps
                ? Repeat(clean.Cache[names[l].MlpOut])
                : model.MlpOut(l, mid, spec.FreezeLayerNorm && config.HasLayerNorm
                    ? new RunOptions { Interventions = [Intervention.Replace(names[l].Ln2Scale, Repeat(clean.Cache[names[l].Ln2Scale]))] }
                    : null);
            if (variants.Any(vs => vs.Any(s => s.Component.Kind == ComponentKind.Mlp && s.Component.Layer == l)))
            {
                var senderMask = cat(variants.Select(vs =>
                    vs.Where(s => s.Component.Kind == ComponentKind.Mlp && s.Component.Layer == l)
                      .Aggregate(zeros(b, length, dtype: ScalarType.Bool), (m, s) => m | Mask(s.Positions))).ToArray(), 0);
                mlp = where(senderMask.unsqueeze(-1), Repeat(corrupted.Cache[names[l].MlpOut]), mlp);
            }
            residual = mid + mlp;
        }
        recorded[target] = residual;

        var logits = spec.ToLogits
            ? UnembedReceiver(spec, residual, clean, Repeat, Mask)
            : HeadReceivers(spec, recorded, clean, Repeat, Mask, v, b);
        for (int k = 0; k < v; k++)
            consume(k, logits.narrow(0, (long)k * b, b));
    }

    Tensor UnembedReceiver(PathPatchSpec spec, Tensor final, CachedRun clean, Func<Tensor, Tensor> repeat, Func<PositionSet, Tensor> mask)
    {
        var model = hooks.Model;
        var cleanFinal = repeat(clean.Cache[hooks.ReadHook(Component.Logits)]);
        var receiverMask = repeat(mask(spec.Receivers[0].Positions)).unsqueeze(-1);
        final = where(receiverMask, final, cleanFinal);
        var options = spec.FreezeLayerNorm && model.Config.HasLayerNorm
            ? new RunOptions { Interventions = [Intervention.Replace(HookNames.FinalScale, repeat(clean.Cache[HookNames.FinalScale]))] }
            : null;
        var logits = model.ForwardFrom(model.Config.Layers, final, options);
        // Where the final stream is bit-identical to the clean one, the logits are the clean logits (unembedding is per position).
        var changed = (final != cleanFinal).any(-1, keepdim: true);
        return where(changed, logits, repeat(clean.Logits));
    }

    Tensor HeadReceivers(PathPatchSpec spec, Dictionary<int, Tensor> recorded, CachedRun clean, Func<Tensor, Tensor> repeat,
        Func<PositionSet, Tensor> mask, int variants, int batch)
    {
        var model = hooks.Model;
        var names = model.Hooks.Layers;
        int start = spec.Receivers.Min(r => r.Component.Layer);
        var interventions = new List<Intervention>();
        Tensor changed = zeros(variants * batch, dtype: ScalarType.Bool);
        foreach (var r in spec.Receivers)
        {
            int layer = r.Component.Layer;
            var cleanInput = repeat(clean.Cache[names[layer].ResidPre]);
            var value = recorded.TryGetValue(layer, out var rec) ? rec : cleanInput; // receivers before every sender see the clean stream
            var positions = repeat(mask(r.Positions));
            changed = changed | ((value != cleanInput).any(-1) & positions).any(-1);
            interventions.Add(Intervention.Replace(hooks.InputHook(r.Component, r.Component.Channel), value.unsqueeze(2),
                new Selection { Heads = [r.Component.Head], PositionMask = positions }));
        }
        var logits = model.ForwardFrom(start, repeat(clean.Cache[names[start].ResidPre]), new RunOptions { Interventions = interventions });
        // A variant whose receivers got exactly their clean inputs is the clean run (pass D would only add rounding).
        return where(changed.view(-1, 1, 1), logits, repeat(clean.Logits));
    }
}
