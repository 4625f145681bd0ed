using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// Gradients with respect to each head's own copy of the residual stream, from a plain (unsplit) backward: what the
// split hook_q_input / hook_k_input / hook_v_input would receive, without running the whole model on per-head copies.
public sealed partial class HookedTransformer
{
    /// <summary>
    /// Given ∂m/∂q, ∂m/∂k and ∂m/∂v of block <paramref name="layer"/> as recorded at hook_q, hook_k and hook_v
    /// ([B, pos, heads, d_head]; k and v per key/value head, before rotation) and the block's resid_pre [B, pos,
    /// d_model], returns ∂m with respect to each head's input copy (what hook_q_input, hook_k_input and hook_v_input
    /// hold), the three channels' readers first: [heads + 2·key/value heads, B, pos, d_model], q's, then k's, then
    /// v's, so that one reader's gradient is one contiguous block (EAP dots it with the senders' writes as a matrix,
    /// without a copy). The projections' transposes, then ln1's Jacobian at resid_pre (in closed form,
    /// <see cref="LayerNormWeights.Backward"/>). The caller owns the result.
    /// </summary>
    public Tensor HeadInputGradients(int layer, Tensor residPre, Tensor queries, Tensor keys, Tensor values)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        using var scope = NewDisposeScope();
        var weights = blocks[layer];
        var a = weights.attn;
        // ∂m/∂(ln1 output) per head: g · W^T, W [heads, d_model, d_head].
        Tensor Back(Tensor gradient, Tensor w) => WithFloat32(w, wide => einsum("bphe,hde->hbpd", gradient, wide));
        var upstream = cat([Back(queries, a.W_Q), Back(keys, a.W_K), Back(values, a.W_V)], 0);
        // ln1 acts per position, so every head's copy shares its Jacobian at resid_pre: all readers of all three channels at once.
        return (weights.ln1 is null ? upstream : weights.ln1.Backward(residPre, upstream)).MoveToOuterDisposeScope();
    }
}
