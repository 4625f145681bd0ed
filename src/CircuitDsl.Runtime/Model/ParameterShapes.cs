namespace CircuitDsl.Runtime.Model;

/// <summary>
/// The parameters a <see cref="HookedTransformer"/> of a config has, by TransformerLens name, computed from the
/// config alone: weights files are checked against them before a single tensor is allocated.
/// </summary>
public static class ParameterShapes
{
    /// <summary>Every parameter's shape of a config within <see cref="ModelSizes"/> (as <see cref="HookedTransformer"/> registers them; a test keeps the two equal).</summary>
    public static Dictionary<string, long[]> Of(ModelConfig c)
    {
        long d = c.DModel, heads = c.Heads, kvHeads = c.KvHeads, dHead = c.DHead, mlp = c.DMlp, vocab = c.VocabSize;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["embed.W_E"] = [vocab, d],
            ["unembed.b_U"] = [vocab],
        };
        if (!c.IsRotary) shapes["pos_embed.W_pos"] = [c.ContextLength, d];
        void LayerNorm(string name)
        {
            if (!c.HasNormalization) return;
            shapes[name + ".w"] = [d];
            if (c.Normalization == Normalization.LayerNorm) shapes[name + ".b"] = [d]; // RMSNorm has no bias
        }
        if (!c.TiedUnembedding) shapes["unembed.W_U"] = [d, vocab];
        LayerNorm("ln_final");
        for (int l = 0; l < c.Layers; l++)
        {
            string b = $"blocks.{l}.";
            LayerNorm(b + "ln1");
            // Under grouped-query attention keys and values have one matrix per key/value head.
            shapes[b + "attn.W_Q"] = [heads, d, dHead];
            shapes[b + "attn.W_K"] = [kvHeads, d, dHead];
            shapes[b + "attn.W_V"] = [kvHeads, d, dHead];
            shapes[b + "attn.b_Q"] = [heads, dHead];
            shapes[b + "attn.b_K"] = [kvHeads, dHead];
            shapes[b + "attn.b_V"] = [kvHeads, dHead];
            shapes[b + "attn.W_O"] = [heads, dHead, d];
            shapes[b + "attn.b_O"] = [d];
            if (c.SandwichNorms) LayerNorm(b + "ln1_post");
            if (!c.HasMlp) continue;
            LayerNorm(b + "ln2");
            if (c.SandwichNorms) LayerNorm(b + "ln2_post");
            if (c.GatedMlp) shapes[b + "mlp.W_gate"] = [d, mlp];
            shapes[b + "mlp.W_in"] = [d, mlp];
            shapes[b + "mlp.b_in"] = [mlp];
            shapes[b + "mlp.W_out"] = [mlp, d];
            shapes[b + "mlp.b_out"] = [d];
        }
        return shapes;
    }

    /// <summary>
    /// The number of parameters, in checked arithmetic. Call it on sizes within <see cref="ModelSizes"/> (as
    /// <see cref="ModelConfig.Validate"/> does): they keep the total below 2^46, far from overflowing.
    /// </summary>
    public static long Count(ModelConfig c) => Of(c).Values.Aggregate(0L, (total, shape) => checked(total + Elements(shape)));

    /// <summary>Product of a shape, in checked arithmetic.</summary>
    public static long Elements(IEnumerable<long> shape)
    {
        long n = 1;
        foreach (long d in shape) n = checked(n * d);
        return n;
    }
}
