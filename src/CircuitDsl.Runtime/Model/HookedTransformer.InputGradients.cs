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
    /// without a copy): <see cref="Ln1Linearized"/> of <see cref="HeadNormalizedGradients"/>. The caller owns the result.
    /// </summary>
    public Tensor HeadInputGradients(int layer, Tensor residPre, Tensor queries, Tensor keys, Tensor values)
    {
        using var scope = NewDisposeScope();
        return Ln1Linearized(layer, residPre, HeadNormalizedGradients(layer, queries, keys, values)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ∂m with respect to ln1's normalized input x̂ as each head's q, k and v copy reads it (x̂ is the stream itself
    /// without ln1), laid out as <see cref="HeadInputGradients"/>: <see cref="HeadReadProjections"/>' transposes, one
    /// product for all three channels. The caller owns the result.
    /// </summary>
    public Tensor HeadNormalizedGradients(int layer, Tensor queries, Tensor keys, Tensor values)
    {
        using var projections = HeadReadProjections(layer);
        return HeadNormalizedGradients(projections, queries, keys, values);
    }

    /// <summary>
    /// Each reader's projection of x̂ into its q, k or v ([heads + 2·key/value heads, d_model, d_head], q's, k's, then
    /// v's) with ln1's weight folded in along d_model, in float32: what <see cref="HeadNormalizedGradients(Tensor, Tensor, Tensor, Tensor)"/>
    /// multiplies by, made once when it is called block by block. The caller owns the result.
    /// </summary>
    public Tensor HeadReadProjections(int layer)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        using var scope = NewDisposeScope();
        var weights = blocks[layer];
        var a = weights.attn;
        return WithFloat32(cat([a.W_Q, a.W_K, a.W_V], 0), projections =>
            weights.ln1 is { } ln1 ? projections * ln1.w.view(1, -1, 1) : projections.clone()).MoveToOuterDisposeScope(); // a copy: a widened weight is freed on return
    }

    /// <summary>
    /// <see cref="HeadNormalizedGradients(int, Tensor, Tensor, Tensor)"/> given the layer's <see cref="HeadReadProjections"/>;
    /// the gradients [B, pos, heads, d_head] may be any block of rows. The caller owns the result.
    /// </summary>
    public static Tensor HeadNormalizedGradients(Tensor projections, Tensor queries, Tensor keys, Tensor values)
    {
        using var scope = NewDisposeScope();
        // The channels side by side as heads (the gradients are d_model/d_head times smaller than the result, so they
        // are the ones concatenated): g · Wᵀ per reader, one batched product over the readers against a permuted view
        // (the einsum's own plan ran ~15% slower).
        var gradient = cat([queries, keys, values], 2);
        long batch = gradient.shape[0], positions = gradient.shape[1];
        return gradient.flatten(0, 1).permute(1, 0, 2).bmm(projections.transpose(1, 2))
            .view(-1, batch, positions, projections.shape[1]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ln1's Jacobian at <paramref name="residPre"/> [B, pos, d] applied to <paramref name="change"/> [k, B, pos, d] (k
    /// copies), without ln1's weight: the first-order change of the normalized input x̂ when the stream changes by
    /// <paramref name="change"/>, and equally the gradient at the stream given one at x̂ (the Jacobian is symmetric,
    /// <see cref="LayerNormWeights.Linearized"/>). The identity without ln1. The caller owns the result.
    /// </summary>
    public Tensor Ln1Linearized(int layer, Tensor residPre, Tensor change)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        return blocks[layer].ln1 is { } ln1 ? ln1.Linearized(residPre, change) : change.alias();
    }
}
