using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Ablation;

/// <summary>
/// Builds the interventions that set components to given values: a head's output (its slice of hook_result), a
/// head's q/k/v input (its split input hook; the value is the residual stream it would read; k and v are the key/value
/// head's input, which under grouped-query attention every query head of the group reads), an MLP's output or an
/// embedding, each only at the component's positions.
/// </summary>
public static class ActivationSource
{
    /// <summary>The component's activation in <paramref name="run"/>, as the value its hook takes ([b, p, d]).</summary>
    public static Tensor Read(ComponentHooks hooks, CachedRun run, Component c) =>
        c.Kind == ComponentKind.Head && c.Channel != Channel.Output
            ? run.Cache[hooks.Model.Hooks.Layers[c.Layer].ResidPre]
            : hooks.ReadOutput(run.Cache, c);

    /// <summary>An intervention setting <paramref name="target"/> to <paramref name="value"/> [b, p, d] (or broadcastable) at its positions.</summary>
    public static Intervention Set(ComponentHooks hooks, PatchEndpoint target, Tensor value, IReadOnlyList<Data.Example> references, int length)
    {
        var c = target.Component;
        hooks.Require(c, "intervention");
        if (c.Kind == ComponentKind.Logits) throw new ArgumentException("the logits cannot be ablated or patched; name a component that writes or reads the residual stream");
        bool perHead = c.Kind == ComponentKind.Head;
        bool input = perHead && c.Channel != Channel.Output;
        string hook = input ? hooks.InputHook(c, c.Channel) : hooks.OutputHook(c);
        return Intervention.Replace(hook, perHead ? value.unsqueeze(-2) : value, new Selection
        {
            // A k or v input is its key/value head's (shared by the query heads of its group under grouped-query attention).
            Heads = perHead ? [input ? hooks.InputSlice(c.HeadIndex, c.Channel) : c.HeadIndex] : null,
            PositionMask = target.Positions.IsAll ? null : ComponentHooks.PositionMask(target.Positions, references, length),
        });
    }
}
