using CircuitDsl.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.TestSupport;

/// <summary>
/// Writes a <see cref="HookedTransformer"/>'s weights back in Hugging Face GPT-2 layout (Conv1D [in, out],
/// fused c_attn), so that <see cref="ReferenceGpt2"/> can run the same weights as a plain forward.
/// </summary>
public static class HfGpt2Layout
{
    /// <summary>A <see cref="ReferenceGpt2"/> that owns copies of <paramref name="model"/>'s weights.</summary>
    public static ReferenceGpt2 ReferenceFor(HookedTransformer model)
    {
        var c = model.Config;
        string activation = c.Activation switch
        {
            Activation.GeluNew => "gelu_new",
            Activation.Gelu => "gelu",
            _ => "relu",
        };
        return new ReferenceGpt2(FromHooked(model), c.Heads, c.LayerNormEpsilon, activation, ownsTensors: true);
    }

    /// <summary>HF-named copies of the model's weights (plus <c>lm_head.bias</c> = b_U); the caller owns them.</summary>
    public static Dictionary<string, Tensor> FromHooked(HookedTransformer model)
    {
        var c = model.Config;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var hf = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["wte.weight"] = model.W_E.clone(),
            ["wpe.weight"] = model.W_pos.clone(),
            ["lm_head.bias"] = model.b_U.clone(),
        };
        if (!c.TiedUnembedding) hf["lm_head.weight"] = model.W_U.t().contiguous();
        if (model.ln_final is { } lnf) AddNorm(hf, "ln_f", lnf);
        for (int l = 0; l < c.Layers; l++)
        {
            var block = model.blocks[l];
            var a = block.attn;
            string h = $"h.{l}.";
            long inner = c.Heads * c.DHead;
            // [head, d_model, d_head] -> [d_model, head * d_head], the column order of HF's fused projection.
            Tensor Columns(Tensor weight) => weight.permute(1, 0, 2).reshape(c.DModel, inner);
            hf[h + "attn.c_attn.weight"] = cat([Columns(a.W_Q), Columns(a.W_K), Columns(a.W_V)], 1);
            hf[h + "attn.c_attn.bias"] = cat([a.b_Q.reshape(inner), a.b_K.reshape(inner), a.b_V.reshape(inner)], 0);
            hf[h + "attn.c_proj.weight"] = a.W_O.reshape(inner, c.DModel).clone();
            hf[h + "attn.c_proj.bias"] = a.b_O.clone();
            if (block.ln1 is { } ln1) AddNorm(hf, h + "ln_1", ln1);
            if (block.ln2 is { } ln2) AddNorm(hf, h + "ln_2", ln2);
            if (block.mlp is { } mlp)
            {
                hf[h + "mlp.c_fc.weight"] = mlp.W_in.clone();
                hf[h + "mlp.c_fc.bias"] = mlp.b_in.clone();
                hf[h + "mlp.c_proj.weight"] = mlp.W_out.clone();
                hf[h + "mlp.c_proj.bias"] = mlp.b_out.clone();
            }
        }
        foreach (var t in hf.Values) t.MoveToOuterDisposeScope();
        return hf;
    }

    static void AddNorm(Dictionary<string, Tensor> hf, string name, LayerNormWeights ln)
    {
        hf[name + ".weight"] = ln.w.clone();
        hf[name + ".bias"] = ln.b!.clone();
    }
}
