using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>Reads a Hugging Face GPT-2 <c>config.json</c> (n_layer, n_head, n_embd, ...) into a <see cref="ModelConfig"/>.</summary>
public static class HfGpt2Config
{
    /// <summary>Whether a parsed config.json is a Hugging Face one rather than the project's own.</summary>
    public static bool IsHuggingFace(JsonObject config) =>
        config.ContainsKey("model_type") || config.ContainsKey("n_layer") || config.ContainsKey("architectures");

    public static ModelConfig Read(string path, JsonObject json, string name)
    {
        ModelFormatException Bad(string what) => new(path, what);
        string? modelType = String(json, "model_type", path);
        if (modelType is not null && modelType != "gpt2")
            throw Bad($"model_type '{modelType}' is not supported; only Hugging Face GPT-2 checkpoints (model_type \"gpt2\") load");
        // These flags change GPT-2's attention; checkpoints that set them would load but compute something else.
        if (Bool(json, "scale_attn_by_inverse_layer_idx", path) == true) throw Bad("scale_attn_by_inverse_layer_idx = true is not supported");
        if (Bool(json, "scale_attn_weights", path) == false) throw Bad("scale_attn_weights = false is not supported");

        int layers = RequiredInt(json, "n_layer", path), heads = RequiredInt(json, "n_head", path);
        int dModel = RequiredInt(json, "n_embd", path), vocab = RequiredInt(json, "vocab_size", path);
        int context = Int(json, "n_positions", path) ?? Int(json, "n_ctx", path) ?? throw Bad("missing \"n_positions\"");
        if (heads <= 0 || dModel % heads != 0) throw Bad($"n_embd {dModel} is not divisible by n_head {heads}");

        var config = new ModelConfig
        {
            Name = name,
            Layers = layers,
            Heads = heads,
            DModel = dModel,
            DHead = dModel / heads,
            DMlp = Int(json, "n_inner", path) ?? 4 * dModel,
            VocabSize = vocab,
            ContextLength = context,
            Normalization = Normalization.LayerNorm,
            Activation = ActivationOf(String(json, "activation_function", path) ?? "gelu_new", path),
            TiedUnembedding = Bool(json, "tie_word_embeddings", path) ?? true,
            LayerNormEpsilon = Double(json, "layer_norm_epsilon", path) ?? 1e-5,
        };
        config.Validate(path);
        return config;
    }

    static Activation ActivationOf(string name, string path) => name switch
    {
        // gelu_pytorch_tanh is the same tanh approximation as gelu_new, computed by a fused kernel.
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => Activation.GeluNew,
        "gelu" => Activation.Gelu,
        "relu" => Activation.Relu,
        _ => throw new ModelFormatException(path, $"activation_function '{name}' is not supported (gelu_new, gelu, relu)"),
    };

    static JsonValue? Value(JsonObject json, string key, string path) => json[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => v,
        _ => throw new ModelFormatException(path, $"\"{key}\" must be a single value"),
    };

    static int RequiredInt(JsonObject json, string key, string path) =>
        Int(json, key, path) ?? throw new ModelFormatException(path, $"missing \"{key}\"");

    static int? Int(JsonObject json, string key, string path) => Value(json, key, path) is { } v
        ? v.TryGetValue(out int i) ? i : throw new ModelFormatException(path, $"\"{key}\" must be an integer; got {v.ToJsonString()}")
        : null;

    static double? Double(JsonObject json, string key, string path) => Value(json, key, path) is { } v
        ? v.TryGetValue(out double d) ? d : throw new ModelFormatException(path, $"\"{key}\" must be a number; got {v.ToJsonString()}")
        : null;

    static bool? Bool(JsonObject json, string key, string path) => Value(json, key, path) is { } v
        ? v.TryGetValue(out bool b) ? b : throw new ModelFormatException(path, $"\"{key}\" must be true or false; got {v.ToJsonString()}")
        : null;

    static string? String(JsonObject json, string key, string path) => Value(json, key, path) is { } v
        ? v.TryGetValue(out string? s) ? s : throw new ModelFormatException(path, $"\"{key}\" must be a string; got {v.ToJsonString()}")
        : null;
}
