using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// The GPT-NeoX checkpoint layout (gpt_neox.embed_in, gpt_neox.layers.i.attention.query_key_value and dense,
/// mlp.dense_h_to_4h and dense_4h_to_h, the two LayerNorms, gpt_neox.final_layer_norm, embed_out). The fused
/// query_key_value [3d, d] interleaves the heads: row h·3·d_head + j·d_head + c is head h's q (j = 0), k (1) or v (2)
/// component c, so W_Q[h, m, c] = query_key_value.weight[h·3·d_head + c, m].
/// </summary>
sealed class NeoxTensorMap(ModelConfig config, bool attentionBias) : HfTensorMap(config)
{
    const string Model = "gpt_neox.";

    public override string UnembeddingName => "embed_out.weight";

    public override bool IsBuffer(string name) =>
        base.IsBuffer(name) || name.EndsWith(".attention.bias", StringComparison.Ordinal) || name.EndsWith(".attention.masked_bias", StringComparison.Ordinal);

    public override Dictionary<string, long[]> Expected()
    {
        var c = Config;
        long d = c.DModel, mlp = c.DMlp;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            [Model + "embed_in.weight"] = [c.VocabSize, d],
            [Model + "final_layer_norm.weight"] = [d],
            [Model + "final_layer_norm.bias"] = [d],
        };
        if (!c.TiedUnembedding) shapes[UnembeddingName] = [c.VocabSize, d];
        for (int l = 0; l < c.Layers; l++)
        {
            string p = $"{Model}layers.{l}.";
            foreach (string norm in (string[])["input_layernorm", "post_attention_layernorm"])
            {
                shapes[$"{p}{norm}.weight"] = [d];
                shapes[$"{p}{norm}.bias"] = [d];
            }
            shapes[p + "attention.query_key_value.weight"] = [3 * d, d];
            shapes[p + "attention.dense.weight"] = [d, d];
            if (attentionBias)
            {
                shapes[p + "attention.query_key_value.bias"] = [3 * d];
                shapes[p + "attention.dense.bias"] = [d];
            }
            shapes[p + "mlp.dense_h_to_4h.weight"] = [mlp, d];
            shapes[p + "mlp.dense_h_to_4h.bias"] = [mlp];
            shapes[p + "mlp.dense_4h_to_h.weight"] = [d, mlp];
            shapes[p + "mlp.dense_4h_to_h.bias"] = [d];
        }
        return shapes;
    }

    public override void Fill(string tlName, Tensor parameter, HfTensorSource hf)
    {
        switch (tlName.Split('.'))
        {
            case ["embed", "W_E"]: hf.ReadInto(Model + "embed_in.weight", parameter); return;
            case ["ln_final", var p]: hf.ReadInto($"{Model}final_layer_norm.{Leaf(p)}", parameter); return;
            case ["unembed", "W_U"]: hf.CopyInto(parameter, UnembeddingName, hf.Read(UnembeddingName).t()); return;
            case ["unembed", "b_U"]: parameter.zero_(); return;
            case ["blocks", var layer, var module, var p]: FillBlock($"{Model}layers.{layer}.", module, p, parameter, tlName, hf); return;
            default: throw NoSource(tlName);
        }
    }

    void FillBlock(string prefix, string module, string p, Tensor parameter, string tlName, HfTensorSource hf)
    {
        var c = Config;
        string qkv = prefix + "attention.query_key_value.", dense = prefix + "attention.dense.", mlp = prefix + "mlp.";
        switch (module, p)
        {
            case ("ln1", _): hf.ReadInto($"{prefix}input_layernorm.{Leaf(p)}", parameter); return;
            case ("ln2", _): hf.ReadInto($"{prefix}post_attention_layernorm.{Leaf(p)}", parameter); return;
            case ("attn", "W_Q" or "W_K" or "W_V"):
                // [3d, d] → [H, 3, d_head, d]; take q, k or v, then [H, d, d_head].
                hf.CopyInto(parameter, qkv + "weight", hf.Read(qkv + "weight").view(c.Heads, 3, c.DHead, c.DModel).select(1, Part(p)).transpose(1, 2));
                return;
            case ("attn", "b_Q" or "b_K" or "b_V"):
                if (attentionBias) hf.CopyInto(parameter, qkv + "bias", hf.Read(qkv + "bias").view(c.Heads, 3, c.DHead).select(1, Part(p)));
                else parameter.zero_();
                return;
            case ("attn", "W_O"): hf.CopyInto(parameter, dense + "weight", hf.Read(dense + "weight").t().reshape(c.Heads, c.DHead, c.DModel)); return;
            case ("attn", "b_O"):
                if (attentionBias) hf.ReadInto(dense + "bias", parameter);
                else parameter.zero_();
                return;
            case ("mlp", "W_in"): hf.CopyInto(parameter, mlp + "dense_h_to_4h.weight", hf.Read(mlp + "dense_h_to_4h.weight").t()); return;
            case ("mlp", "b_in"): hf.ReadInto(mlp + "dense_h_to_4h.bias", parameter); return;
            case ("mlp", "W_out"): hf.CopyInto(parameter, mlp + "dense_4h_to_h.weight", hf.Read(mlp + "dense_4h_to_h.weight").t()); return;
            case ("mlp", "b_out"): hf.ReadInto(mlp + "dense_4h_to_h.bias", parameter); return;
            default: throw NoSource(tlName);
        }
    }

    static int Part(string p) => p[^1] switch { 'Q' => 0, 'K' => 1, _ => 2 };

    static string Leaf(string p) => p == "w" ? "weight" : "bias";
}
