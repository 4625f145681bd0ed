using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// Algorithm 1 of Wang et al. written literally with hooks, one sender set per pair of passes (as Easy-Transformer
/// does it): A caches x_new, B caches x_orig; C runs x_orig with every head's q, k and v frozen to B (so every head
/// output is recomputed from frozen inputs), the senders' outputs set to A at their positions, MLPs recomputed (and,
/// with sandwich norms, ln1_post of the attention output: the forward recomputes it from the heads' results), and
/// records the receivers' inputs; D runs x_orig with the receivers set to the recorded values. The model's own
/// forward decides what reads what (a parallel block's MLP reads resid_pre), so this form needs no case per
/// architecture. Frozen LayerNorm replaces, in pass C, the scale of every norm that runs there: ln2, ln1_post and
/// ln2_post (ln1 feeds only frozen heads), and ln_final into the logits. It is the reference
/// that <see cref="PathPatcher"/> must match, and the "one forward per sender" side of the benchmark.
/// </summary>
public sealed class LiteralPathPatcher(ComponentHooks hooks)
{
    /// <summary>The hooks A and B record: enough to freeze every head and to patch every kind of sender.</summary>
    public bool Records(string name) =>
        name.EndsWith("attn.hook_q", StringComparison.Ordinal) || name.EndsWith("attn.hook_k", StringComparison.Ordinal) ||
        name.EndsWith("attn.hook_v", StringComparison.Ordinal) || name.EndsWith("attn.hook_result", StringComparison.Ordinal) ||
        name.EndsWith("hook_mlp_out", StringComparison.Ordinal) || name.EndsWith("ln2.hook_scale", StringComparison.Ordinal) ||
        name.EndsWith("ln1_post.hook_scale", StringComparison.Ordinal) || name.EndsWith("ln2_post.hook_scale", StringComparison.Ordinal) ||
        name is HookNames.Embed or HookNames.PosEmbed or HookNames.FinalScale ||
        name == hooks.ReadHook(Component.Logits);

    /// <summary>Passes A and B: the clean and corrupted caches (the caller disposes them).</summary>
    public (ActivationCache Clean, ActivationCache Corrupted) Cache(Tensor cleanTokens, Tensor corruptedTokens)
    {
        var (cleanLogits, clean) = hooks.Model.RunWithCache(cleanTokens, Records);
        var (corruptedLogits, corrupted) = hooks.Model.RunWithCache(corruptedTokens, Records);
        cleanLogits.Dispose();
        corruptedLogits.Dispose();
        return (clean, corrupted);
    }

    /// <summary>Pass C: returns its cache of every head result and of the receivers' inputs.</summary>
    public ActivationCache PassC(PathPatchSpec spec, Tensor cleanTokens, ActivationCache clean, ActivationCache corrupted, IReadOnlyList<Example> references)
    {
        PathPatchValidation.Check(spec, hooks);
        var model = hooks.Model;
        int length = (int)cleanTokens.shape[1];
        var interventions = new List<Intervention>();
        foreach (var n in model.Hooks.Layers)
        {
            interventions.Add(Intervention.Replace(n.Q, clean[n.Q]));
            interventions.Add(Intervention.Replace(n.K, clean[n.K]));
            interventions.Add(Intervention.Replace(n.V, clean[n.V]));
            if (spec.FreezeMlps && model.Config.HasMlp) interventions.Add(Intervention.Replace(n.MlpOut, clean[n.MlpOut]));
            if (spec.FreezeLayerNorm && model.Config.HasMlp && model.Config.HasNormalization) interventions.Add(Intervention.Replace(n.Ln2Scale, clean[n.Ln2Scale]));
            // Sandwich norms: the norms of the attention and MLP outputs are recomputed in pass C too, so they freeze with the rest.
            if (spec.FreezeLayerNorm && model.Config.SandwichNorms)
            {
                interventions.Add(Intervention.Replace(n.Ln1PostScale, clean[n.Ln1PostScale]));
                if (model.Config.HasMlp) interventions.Add(Intervention.Replace(n.Ln2PostScale, clean[n.Ln2PostScale]));
            }
        }
        foreach (var s in spec.Senders)
        {
            var where = new Selection
            {
                Heads = s.Component.Kind == ComponentKind.Head ? [s.Component.HeadIndex] : null,
                PositionMask = ComponentHooks.PositionMask(s.Positions, references, length),
            };
            string hook = hooks.OutputHook(s.Component);
            interventions.Add(Intervention.Replace(hook, corrupted[hook], where));
        }
        var record = spec.Receivers.Select(r => r.Component.Kind == ComponentKind.Logits
            ? hooks.ReadHook(r.Component)
            : hooks.InputHook(r.Component, r.Component.Channel)).ToHashSet();
        var cache = new ActivationCache();
        model.Forward(cleanTokens, new RunOptions
        {
            Interventions = interventions,
            Cache = cache,
            CacheFilter = n => record.Contains(n) || n.EndsWith("attn.hook_result", StringComparison.Ordinal),
        }).Dispose();
        return cache;
    }

    /// <summary>Passes C and D for one sender set: the patched logits.</summary>
    public Tensor Run(PathPatchSpec spec, Tensor cleanTokens, ActivationCache clean, ActivationCache corrupted, IReadOnlyList<Example> references)
    {
        using var scope = NewDisposeScope();
        var model = hooks.Model;
        int length = (int)cleanTokens.shape[1];
        using var passC = PassC(spec, cleanTokens, clean, corrupted, references);
        if (spec.ToLogits)
        {
            string final = hooks.ReadHook(Component.Logits);
            var mask = ComponentHooks.PositionMask(spec.Receivers[0].Positions, references, length).unsqueeze(-1);
            var options = spec.FreezeLayerNorm && model.Config.HasNormalization
                ? new RunOptions { Interventions = [Intervention.Replace(HookNames.FinalScale, clean[HookNames.FinalScale])] }
                : null;
            return model.ForwardFrom(model.Config.Layers, where(mask, passC[final], clean[final]), options).MoveToOuterDisposeScope();
        }
        var receivers = spec.Receivers.Select(r =>
        {
            string hook = hooks.InputHook(r.Component, r.Component.Channel);
            return Intervention.Replace(hook, passC[hook], new Selection
            {
                Heads = [hooks.InputSlice(r.Component.HeadIndex, r.Component.Channel)], // k, v: the key/value head's input
                PositionMask = ComponentHooks.PositionMask(r.Positions, references, length),
            });
        }).ToArray();
        return model.Forward(cleanTokens, new RunOptions { Interventions = receivers }).MoveToOuterDisposeScope();
    }
}
