using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>Reads a Hugging Face GPT-2 <c>config.json</c> (n_layer, n_head, n_embd, ...) into a <see cref="ModelConfig"/>.</summary>
public static class HfGpt2Config
{
    /// <summary>Whether a parsed config.json is a Hugging Face one rather than the project's own.</summary>
    public static bool IsHuggingFace(JsonObject config) =>
        config.ContainsKey("model_type") || config.ContainsKey("n_layer") || config.ContainsKey("architectures");

    // gelu_pytorch_tanh is the same tanh approximation as gelu_new, computed by a fused kernel.
    static readonly Dictionary<string, Activation> Activations = new(StringComparer.Ordinal)
    {
        ["gelu_new"] = Activation.GeluNew, ["gelu_pytorch_tanh"] = Activation.GeluNew, ["gelu_fast"] = Activation.GeluNew,
        ["gelu"] = Activation.Gelu, ["relu"] = Activation.Relu,
    };

    // A GPT-2 MLP has a hidden layer: n_inner = 0 would be a model this runtime reads as attention-only.
    static readonly SizeRange InnerWidth = ModelSizes.MlpWidth with { Min = 1 };

    /// <summary>The model's name: the config's _name_or_path, else the folder's name.</summary>
    public static string NameOf(JsonObject json, string dir) =>
        json["_name_or_path"] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0
            ? s
            : Path.GetFileName(Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar));

    public static ModelConfig Read(string path, JsonObject json, string name)
    {
        var fields = new ConfigFields(json, path);
        string? modelType = fields.String("model_type");
        if (modelType is not null && modelType != "gpt2")
            throw fields.Bad($"model_type '{modelType}' is not supported; only Hugging Face GPT-2 checkpoints (model_type \"gpt2\") load");
        // These flags change GPT-2's attention; checkpoints that set them would load but compute something else.
        if (fields.Bool("scale_attn_by_inverse_layer_idx") == true) throw fields.Bad("scale_attn_by_inverse_layer_idx = true is not supported");
        if (fields.Bool("scale_attn_weights") == false) throw fields.Bad("scale_attn_weights = false is not supported");

        int layers = fields.Size("n_layer", ModelSizes.Layers), heads = fields.Size("n_head", ModelSizes.Heads);
        int dModel = fields.Size("n_embd", ModelSizes.ModelWidth), vocab = fields.Size("vocab_size", ModelSizes.Vocabulary);
        int context = fields.OptionalSize("n_positions", ModelSizes.Context) ?? fields.OptionalSize("n_ctx", ModelSizes.Context)
            ?? throw fields.Bad($"missing \"n_positions\" ({ModelSizes.Context.Describe()})");
        if (dModel % heads != 0) throw fields.Bad($"\"n_embd\" {dModel} is not divisible by \"n_head\" {heads}: the heads split the residual stream evenly");
        // 4 * n_embd fits an int: n_embd is at most MaxModelWidth, and the MLP width is checked again by Validate.
        int dMlp = fields.OptionalSize("n_inner", InnerWidth) ?? 4 * dModel;

        var config = new ModelConfig
        {
            Name = name,
            Layers = layers,
            Heads = heads,
            DModel = dModel,
            DHead = dModel / heads,
            DMlp = dMlp,
            VocabSize = vocab,
            ContextLength = context,
            Normalization = Normalization.LayerNorm,
            Activation = fields.Choice("activation_function", Activations) ?? Activation.GeluNew,
            TiedUnembedding = fields.Bool("tie_word_embeddings") ?? true,
            LayerNormEpsilon = fields.Number("layer_norm_epsilon") ?? 1e-5,
        };
        config.Validate(path);
        return config;
    }
}
