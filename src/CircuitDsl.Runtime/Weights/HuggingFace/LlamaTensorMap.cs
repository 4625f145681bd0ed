using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// The Llama-like checkpoint layout (model.embed_tokens, model.layers.i.self_attn.{q,k,v,o}_proj,
/// mlp.{gate,up,down}_proj, the norms, model.norm, lm_head), converted as TransformerLens does:
/// W_Q[h, m, e] = q_proj.weight[h·d_head + e, m] (k and v likewise with the key/value heads),
/// W_O[h, e, m] = o_proj.weight[m, h·d_head + e], W_gate = gate_projᵀ, W_in = up_projᵀ, W_out = down_projᵀ.
/// </summary>
sealed class LlamaTensorMap(ModelConfig config, LlamaLayout layout) : HfTensorMap(config)
{
    public override string UnembeddingName => "lm_head.weight";

    public override Dictionary<string, long[]> Expected()
    {
        var c = Config;
        long d = c.DModel, q = (long)c.Heads * c.DHead, kv = (long)c.KvHeads * c.DHead, mlp = c.DMlp;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = [c.VocabSize, d],
            ["model.norm.weight"] = [d],
        };
        if (!c.TiedUnembedding) shapes[UnembeddingName] = [c.VocabSize, d];
        for (int l = 0; l < c.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            shapes[p + "input_layernorm.weight"] = [d];
            shapes[p + "post_attention_layernorm.weight"] = [d];
            if (layout.Sandwich)
            {
                shapes[p + "pre_feedforward_layernorm.weight"] = [d];
                shapes[p + "post_feedforward_layernorm.weight"] = [d];
            }
            shapes[p + "self_attn.q_proj.weight"] = [q, d];
            shapes[p + "self_attn.k_proj.weight"] = [kv, d];
            shapes[p + "self_attn.v_proj.weight"] = [kv, d];
            shapes[p + "self_attn.o_proj.weight"] = [d, q];
            if (layout.QkvBias)
            {
                shapes[p + "self_attn.q_proj.bias"] = [q];
                shapes[p + "self_attn.k_proj.bias"] = [kv];
                shapes[p + "self_attn.v_proj.bias"] = [kv];
            }
            if (layout.OutputBias) shapes[p + "self_attn.o_proj.bias"] = [d];
            shapes[p + "mlp.gate_proj.weight"] = [mlp, d];
            shapes[p + "mlp.up_proj.weight"] = [mlp, d];
            shapes[p + "mlp.down_proj.weight"] = [d, mlp];
        }
        return shapes;
    }

    public override void Fill(string tlName, Tensor parameter, HfTensorSource hf)
    {
        switch (tlName.Split('.'))
        {
            case ["embed", "W_E"]: hf.ReadInto("model.embed_tokens.weight", parameter); return;
            case ["ln_final", "w"]: Norm("model.norm.weight", parameter, hf); return;
            case ["unembed", "W_U"]: hf.CopyInto(parameter, UnembeddingName, hf.Read(UnembeddingName).t()); return;
            case ["unembed", "b_U"]: parameter.zero_(); return;
            case ["blocks", var layer, var module, var p]: FillBlock($"model.layers.{layer}.", module, p, parameter, tlName, hf); return;
            default: throw NoSource(tlName);
        }
    }

    void FillBlock(string prefix, string module, string p, Tensor parameter, string tlName, HfTensorSource hf)
    {
        var c = Config;
        string attn = prefix + "self_attn.", mlp = prefix + "mlp.";
        switch (module, p)
        {
            case ("ln1", "w"): Norm(prefix + "input_layernorm.weight", parameter, hf); return;
            // Llama's second norm is post_attention_layernorm; Gemma-2 uses that name for the norm of the attention output.
            case ("ln1_post", "w"): Norm(prefix + "post_attention_layernorm.weight", parameter, hf); return;
            case ("ln2", "w"): Norm(prefix + (layout.Sandwich ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"), parameter, hf); return;
            case ("ln2_post", "w"): Norm(prefix + "post_feedforward_layernorm.weight", parameter, hf); return;
            case ("attn", "W_Q"): Heads(attn + "q_proj.weight", c.Heads, parameter, hf); return;
            case ("attn", "W_K"): Heads(attn + "k_proj.weight", c.KvHeads, parameter, hf); return;
            case ("attn", "W_V"): Heads(attn + "v_proj.weight", c.KvHeads, parameter, hf); return;
            case ("attn", "b_Q"): Bias(layout.QkvBias, attn + "q_proj.bias", parameter, hf); return;
            case ("attn", "b_K"): Bias(layout.QkvBias, attn + "k_proj.bias", parameter, hf); return;
            case ("attn", "b_V"): Bias(layout.QkvBias, attn + "v_proj.bias", parameter, hf); return;
            // o_proj [d, H·d_head] transposed is [H·d_head, d] = [H, d_head, d] head-major.
            case ("attn", "W_O"): hf.CopyInto(parameter, attn + "o_proj.weight", hf.Read(attn + "o_proj.weight").t().reshape(c.Heads, c.DHead, c.DModel)); return;
            case ("attn", "b_O"): Bias(layout.OutputBias, attn + "o_proj.bias", parameter, hf); return;
            case ("mlp", "W_gate"): hf.CopyInto(parameter, mlp + "gate_proj.weight", hf.Read(mlp + "gate_proj.weight").t()); return;
            case ("mlp", "W_in"): hf.CopyInto(parameter, mlp + "up_proj.weight", hf.Read(mlp + "up_proj.weight").t()); return;
            case ("mlp", "W_out"): hf.CopyInto(parameter, mlp + "down_proj.weight", hf.Read(mlp + "down_proj.weight").t()); return;
            case ("mlp", "b_in" or "b_out"): parameter.zero_(); return;
            default: throw NoSource(tlName);
        }
    }

    /// <summary>A projection [heads·d_head, d] as [heads, d, d_head].</summary>
    void Heads(string name, int heads, Tensor parameter, HfTensorSource hf) =>
        hf.CopyInto(parameter, name, hf.Read(name).view(heads, Config.DHead, Config.DModel).transpose(1, 2));

    static void Bias(bool stored, string name, Tensor parameter, HfTensorSource hf)
    {
        if (stored) hf.ReadInto(name, parameter.view(-1)); // [heads·d_head] is [heads, d_head] head-major
        else parameter.zero_();
    }

    void Norm(string name, Tensor parameter, HfTensorSource hf)
    {
        hf.ReadInto(name, parameter);
        if (layout.NormOffset) parameter.add_(1); // Gemma's RMSNorm scales by 1 + w (in float32, as the norms are kept)
    }
}
