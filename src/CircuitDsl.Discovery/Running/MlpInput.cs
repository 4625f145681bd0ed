using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>Where an MLP's input receiver is patched, so that the MLP alone reads what is added (not the stream past it).</summary>
internal static class MlpInput
{
    /// <summary>
    /// Interventions that add <paramref name="delta"/> (of the activation it is added to) to MLP l's input only: at
    /// hook_resid_mid, taken off again at hook_resid_post; in a parallel block at hook_mlp_in, the MLP's own copy.
    /// </summary>
    public static IEnumerable<Intervention> Add(ModelConfig config, LayerHookNames names, Func<Tensor, Tensor> delta)
    {
        if (config.ParallelResidual)
        {
            yield return Intervention.Custom(names.MlpIn, (activation, _) => activation + delta(activation));
            yield break;
        }
        Tensor? added = null;
        yield return Intervention.Custom(names.ResidMid, (activation, _) => activation + (added = delta(activation)));
        yield return Intervention.Custom(names.ResidPost, (activation, _) => activation - added!);
    }
}
