namespace CircuitDsl.Runtime.Hooks;

/// <summary>How an activation's axes are laid out, which decides how head and position selections apply.</summary>
public enum HookLayout
{
    /// <summary>[batch, pos, d]</summary>
    Residual,
    /// <summary>[batch, pos, head, d]: per-head activations (q, k, v, z, result, split inputs).</summary>
    PerHead,
    /// <summary>[batch, head, query_pos, key_pos]: attention scores and pattern.</summary>
    Attention,
    /// <summary>[batch, pos, 1] or [batch, pos, head, 1]: LayerNorm scale.</summary>
    Scale,
}

/// <summary>A named place in the forward pass where an activation can be read, replaced or added to.</summary>
/// <param name="Name">TransformerLens's name, e.g. <c>blocks.1.attn.hook_pattern</c>.</param>
/// <param name="Layer">The block it belongs to, or -1 for embeddings and the final LayerNorm.</param>
/// <param name="Shape">Axis names for people, e.g. <c>[batch, pos, head, d_head]</c>.</param>
/// <param name="OnDemand">Computed only when a cache or an intervention asks for it (it costs memory).</param>
public sealed record HookPoint(string Name, int Layer, HookLayout Layout, string Shape, bool OnDemand = false)
{
    /// <summary>The axis that indexes positions (query positions for attention patterns).</summary>
    public int PositionAxis => Layout == HookLayout.Attention ? 2 : 1;

    /// <summary>The axis that indexes heads, or -1 when the activation is not per head.</summary>
    public int HeadAxis => Layout switch
    {
        HookLayout.PerHead => 2,
        HookLayout.Attention => 1,
        _ => -1,
    };
}
