using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.TestSupport;

/// <summary>
/// A checkpoint of an <see cref="HfFamilyArch"/> with random weights in its family's Hugging Face layout (tensor
/// names, [out, in] shapes, config.json), written as one model.safetensors or as shards with an index.
/// </summary>
public sealed class RandomHfCheckpoint : IDisposable
{
    public HfFamilyArch Arch { get; }
    /// <summary>HF-named tensors, float32; owned by this object.</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    public RandomHfCheckpoint(HfFamilyArch arch, long seed = 1)
    {
        Arch = arch;
        var g = new Generator((ulong)seed);
        void Add(string name, Tensor t) => Tensors[name] = t.DetachFromDisposeScope();
        // Linear weights with unit-scale outputs, so the logits are far from uniform.
        void Linear(string name, long outDim, long inDim) => Add(name, randn([outDim, inDim], generator: g) / Math.Sqrt(inDim));
        void Vector(string name, long n, double std, double mean = 0) => Add(name, randn(n, generator: g) * std + mean);
        void Norm(string name, bool bias = false)
        {
            // Gemma stores the offset from 1; the others the gain itself.
            Vector(name + ".weight", arch.DModel, 0.2, arch.NormOffset ? 0 : 1);
            if (bias) Vector(name + ".bias", arch.DModel, 0.1);
        }

        long d = arch.DModel, q = arch.Heads * arch.HeadDim, kv = arch.KvHeads * arch.HeadDim, mlp = arch.DMlp;
        if (arch.IsNeox)
        {
            Add("gpt_neox.embed_in.weight", randn([arch.Vocab, d], generator: g));
            for (int l = 0; l < arch.Layers; l++)
            {
                string p = $"gpt_neox.layers.{l}.";
                Norm(p + "input_layernorm", bias: true);
                Norm(p + "post_attention_layernorm", bias: true);
                Linear(p + "attention.query_key_value.weight", 3 * d, d);
                Vector(p + "attention.query_key_value.bias", 3 * d, 0.1);
                Linear(p + "attention.dense.weight", d, d);
                Vector(p + "attention.dense.bias", d, 0.1);
                Linear(p + "mlp.dense_h_to_4h.weight", mlp, d);
                Vector(p + "mlp.dense_h_to_4h.bias", mlp, 0.1);
                Linear(p + "mlp.dense_4h_to_h.weight", d, mlp);
                Vector(p + "mlp.dense_4h_to_h.bias", d, 0.1);
            }
            Norm("gpt_neox.final_layer_norm", bias: true);
            if (!arch.Tied) Linear("embed_out.weight", arch.Vocab, d);
            return;
        }
        Add("model.embed_tokens.weight", randn([arch.Vocab, d], generator: g) * (arch.EmbedScale ? 1 / Math.Sqrt(d) : 1));
        for (int l = 0; l < arch.Layers; l++)
        {
            string p = $"model.layers.{l}.";
            Norm(p + "input_layernorm");
            Norm(p + "post_attention_layernorm");
            if (arch.Sandwich)
            {
                Norm(p + "pre_feedforward_layernorm");
                Norm(p + "post_feedforward_layernorm");
            }
            Linear(p + "self_attn.q_proj.weight", q, d);
            Linear(p + "self_attn.k_proj.weight", kv, d);
            Linear(p + "self_attn.v_proj.weight", kv, d);
            Linear(p + "self_attn.o_proj.weight", d, q);
            if (arch.QkvBias)
            {
                Vector(p + "self_attn.q_proj.bias", q, 0.3);
                Vector(p + "self_attn.k_proj.bias", kv, 0.3);
                Vector(p + "self_attn.v_proj.bias", kv, 0.3);
            }
            if (arch.OutputBias) Vector(p + "self_attn.o_proj.bias", d, 0.1);
            Linear(p + "mlp.gate_proj.weight", mlp, d);
            Linear(p + "mlp.up_proj.weight", mlp, d);
            Linear(p + "mlp.down_proj.weight", d, mlp);
        }
        Norm("model.norm");
        if (!arch.Tied) Linear("lm_head.weight", arch.Vocab, d);
    }

    /// <summary>Rounds every tensor through <paramref name="dtype"/>, so that a reference computed from them sees what a checkpoint stored in it holds.</summary>
    public void RoundThrough(ScalarType dtype)
    {
        foreach (var name in Tensors.Keys.ToList())
        {
            var rounded = Tensors[name].to_type(dtype).to_type(ScalarType.Float32).DetachFromDisposeScope();
            Tensors[name].Dispose();
            Tensors[name] = rounded;
        }
    }

    /// <summary>
    /// Writes config.json and the weights to <paramref name="dir"/>: model.safetensors, or with <paramref name="shards"/> &gt; 1
    /// model-0000k-of-0000n.safetensors and model.safetensors.index.json. <paramref name="extra"/> adds tensors (buffers).
    /// </summary>
    public void Write(string dir, ScalarType dtype = ScalarType.Float32, int shards = 1, Func<string, bool>? keep = null,
        IReadOnlyDictionary<string, Tensor>? extra = null, JsonObject? config = null)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), (config ?? Arch.Config()).ToJsonString());
        var all = Tensors.Where(t => keep?.Invoke(t.Key) ?? true).Concat(extra ?? new Dictionary<string, Tensor>()).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        if (shards <= 1)
        {
            SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), all, dtype);
            return;
        }
        var map = new JsonObject();
        for (int s = 0; s < shards; s++)
        {
            string file = $"model-{s + 1:D5}-of-{shards:D5}.safetensors";
            var part = all.Where((_, i) => i % shards == s).ToList();
            SafetensorsWriter.Write(Path.Combine(dir, file), part, dtype);
            foreach (var (name, _) in part) map[name] = file;
        }
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = 0 }, ["weight_map"] = map };
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"), index.ToJsonString());
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
