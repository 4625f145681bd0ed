using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.TestSupport;

/// <summary>
/// A GPT-2-shaped checkpoint with random weights in Hugging Face layout, as <c>save_pretrained</c> would write it
/// (config.json + model.safetensors). Weights are drawn large enough that the logits are far from uniform.
/// </summary>
public sealed class RandomGpt2Checkpoint : IDisposable
{
    public int Layers { get; }
    public int Heads { get; }
    public int DModel { get; }
    public int Vocab { get; }
    public int Context { get; }
    public int DMlp => 4 * DModel;
    /// <summary>HF names without the "transformer." prefix; owned by this object.</summary>
    public Dictionary<string, Tensor> Tensors { get; } = new(StringComparer.Ordinal);

    public RandomGpt2Checkpoint(int layers = 2, int heads = 4, int dModel = 32, int vocab = 50, int context = 16, long seed = 1, bool tied = true)
    {
        (Layers, Heads, DModel, Vocab, Context) = (layers, heads, dModel, vocab, context);
        Tied = tied;
        var g = new Generator((ulong)seed);
        Tensor Normal(double std, params long[] shape) => (randn(shape, generator: g) * std).DetachFromDisposeScope();
        Tensor Gain(long d) => (1 + randn(d, generator: g) * 0.2).DetachFromDisposeScope();

        long d = dModel;
        Tensors["wte.weight"] = Normal(0.5, vocab, d);
        Tensors["wpe.weight"] = Normal(0.3, context, d);
        for (int l = 0; l < layers; l++)
        {
            string h = $"h.{l}.";
            Tensors[h + "ln_1.weight"] = Gain(d);
            Tensors[h + "ln_1.bias"] = Normal(0.1, d);
            Tensors[h + "attn.c_attn.weight"] = Normal(0.3, d, 3 * d);
            Tensors[h + "attn.c_attn.bias"] = Normal(0.1, 3 * d);
            Tensors[h + "attn.c_proj.weight"] = Normal(0.2, d, d);
            Tensors[h + "attn.c_proj.bias"] = Normal(0.1, d);
            Tensors[h + "ln_2.weight"] = Gain(d);
            Tensors[h + "ln_2.bias"] = Normal(0.1, d);
            Tensors[h + "mlp.c_fc.weight"] = Normal(0.2, d, 4 * d);
            Tensors[h + "mlp.c_fc.bias"] = Normal(0.1, 4 * d);
            Tensors[h + "mlp.c_proj.weight"] = Normal(0.1, 4 * d, d);
            Tensors[h + "mlp.c_proj.bias"] = Normal(0.1, d);
        }
        Tensors["ln_f.weight"] = Gain(d);
        Tensors["ln_f.bias"] = Normal(0.1, d);
        if (!tied) Tensors["lm_head.weight"] = Normal(0.5, vocab, d);
    }

    public bool Tied { get; }

    /// <summary>HF's config.json for this checkpoint (n_inner null, as GPT-2's own config has it).</summary>
    public JsonObject Config() => new()
    {
        ["architectures"] = new JsonArray("GPT2LMHeadModel"),
        ["model_type"] = "gpt2",
        ["activation_function"] = "gelu_new",
        ["n_layer"] = Layers,
        ["n_head"] = Heads,
        ["n_embd"] = DModel,
        ["n_positions"] = Context,
        ["n_ctx"] = Context,
        ["n_inner"] = null,
        ["vocab_size"] = Vocab,
        ["layer_norm_epsilon"] = 1e-5,
        ["tie_word_embeddings"] = Tied,
    };

    /// <summary>
    /// Writes config.json and model.safetensors to <paramref name="dir"/>, optionally with GPT2LMHeadModel's
    /// "transformer." prefix and the attention-mask buffers older checkpoints carry.
    /// </summary>
    public void Write(string dir, bool transformerPrefix = false, bool maskBuffers = false, Func<string, bool>? keep = null) =>
        WriteAs(dir, ScalarType.Float32, transformerPrefix, maskBuffers, keep);

    /// <summary>As <see cref="Write"/>, with model.safetensors stored as <paramref name="storedType"/> (float32, float16 or bfloat16).</summary>
    public void WriteAs(string dir, ScalarType storedType, bool transformerPrefix = false, bool maskBuffers = false, Func<string, bool>? keep = null)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), Config().ToJsonString());
        using var scope = NewDisposeScope();
        var stored = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in Tensors)
        {
            if (keep is not null && !keep(name)) continue;
            bool topLevel = name.StartsWith("lm_head.", StringComparison.Ordinal);
            stored[transformerPrefix && !topLevel ? "transformer." + name : name] = tensor;
        }
        if (maskBuffers)
            for (int l = 0; l < Layers; l++)
            {
                string h = (transformerPrefix ? "transformer." : "") + $"h.{l}.";
                stored[h + "attn.bias"] = ones(Context, Context).tril().view(1, 1, Context, Context);
                stored[h + "attn.masked_bias"] = tensor(-1e4f);
            }
        SafetensorsWriter.Write(Path.Combine(dir, "model.safetensors"), stored, storedType);
    }

    public void Dispose()
    {
        foreach (var t in Tensors.Values) t.Dispose();
    }
}
