using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Patching;

internal static class PathPatchValidation
{
    public static void Check(PathPatchSpec spec, ComponentHooks hooks)
    {
        foreach (var s in spec.Senders)
        {
            hooks.Require(s.Component, "path patching sender");
            if (s.Component.Kind == ComponentKind.Logits || s.Component.Channel != Channel.Output)
                throw new ArgumentException($"path patching: a sender is a head's output, an MLP or an embedding, not {s.Component}");
        }
        if (spec.Receivers.IsEmpty) throw new ArgumentException("path patching needs at least one receiver");
        foreach (var r in spec.Receivers)
        {
            hooks.Require(r.Component, "path patching receiver");
            bool headInput = r.Component.Kind == ComponentKind.Head && r.Component.Channel != Channel.Output;
            if (!headInput && r.Component.Kind != ComponentKind.Logits)
                throw new ArgumentException($"path patching: a receiver is a head's q, k or v input (L1.H0.k) or the logits, not {r.Component}");
        }
        if (spec.Receivers.Any(r => r.Component.Kind == ComponentKind.Logits) && spec.Receivers.Length > 1)
            throw new ArgumentException("path patching: the logits are a receiver set on their own (Wang et al.: R is either head inputs or the final residual stream)");
    }

    public static int ReceiverLayer(PatchEndpoint r, int layers) => r.Component.Kind == ComponentKind.Logits ? layers : r.Component.Layer;

    /// <summary>The layer whose resid_pre a sender first changes (embeddings: 0).</summary>
    public static int SenderLayer(PatchEndpoint s) => s.Component.IsEmbedding ? 0 : s.Component.Layer;
}
