using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// <c>config.json</c> of the project's model folders: <see cref="ModelConfig"/> in snake_case
/// (<c>d_model</c>, <c>normalization: "layer_norm"</c>), properties in declaration order, so equal configs give equal bytes.
/// Written by the serializer; read field by field (<see cref="ConfigFields"/>) so that every bad value is named with its limit.
/// </summary>
public static class ModelConfigJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // Settings a model does not use (no grouped-query attention, no soft-cap) are left out rather than written as null.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Options-level converters take precedence over the enums' own [JsonConverter] attributes.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The keys the serializer writes: the only keys a config may have.</summary>
    static readonly string[] Keys = [.. Options.GetTypeInfo(typeof(ModelConfig)).Properties.Select(p => p.Name)];

    public static string Serialize(ModelConfig config) => JsonSerializer.Serialize(config, Options) + "\n";

    /// <summary>Reads and validates the config file at <paramref name="path"/>; errors name it.</summary>
    public static ModelConfig Read(string path) => FromJson(ModelLoader.ReadConfigObject(path), path);

    /// <summary>Reads and validates a parsed config; errors name <paramref name="source"/>.</summary>
    public static ModelConfig FromJson(JsonObject json, string source)
    {
        var fields = new ConfigFields(json, source);
        fields.RejectUnknownKeys(Keys);
        var sizes = new ModelConfig
        {
            Name = fields.RequiredString("name"),
            Layers = fields.Size("layers", ModelSizes.Layers),
            Heads = fields.Size("heads", ModelSizes.Heads),
            DModel = fields.Size("d_model", ModelSizes.ModelWidth),
            DHead = fields.Size("d_head", ModelSizes.HeadWidth),
            VocabSize = fields.Size("vocab_size", ModelSizes.Vocabulary),
            ContextLength = fields.Size("context_length", ModelSizes.Context),
        };
        var config = sizes with
        {
            DMlp = fields.OptionalSize("d_mlp", ModelSizes.MlpWidth) ?? sizes.DMlp,
            Normalization = fields.Choice("normalization", Spellings<Normalization>()) ?? sizes.Normalization,
            Activation = fields.Choice("activation", Spellings<Activation>()) ?? sizes.Activation,
            TiedUnembedding = fields.Bool("tied_unembedding") ?? sizes.TiedUnembedding,
            LayerNormEpsilon = fields.Number("layer_norm_epsilon") ?? sizes.LayerNormEpsilon,
            KeyValueHeads = fields.OptionalSize("key_value_heads", ModelSizes.Heads),
            Positions = fields.Choice("positions", Spellings<PositionEmbedding>()) ?? sizes.Positions,
            RotaryDim = fields.OptionalSize("rotary_dim", ModelSizes.HeadWidth),
            RotaryBase = fields.Number("rotary_base") ?? sizes.RotaryBase,
            RopeScaling = fields.Object("rope_scaling") is { } scaling ? ReadRopeScaling(scaling) : null,
            GatedMlp = fields.Bool("gated_mlp") ?? sizes.GatedMlp,
            ParallelResidual = fields.Bool("parallel_residual") ?? sizes.ParallelResidual,
            SandwichNorms = fields.Bool("sandwich_norms") ?? sizes.SandwichNorms,
            AttentionScale = fields.Number("attention_scale"),
            AttentionSoftCap = fields.Number("attention_soft_cap"),
            LogitSoftCap = fields.Number("logit_soft_cap"),
            SlidingWindow = fields.OptionalSize("sliding_window", ModelSizes.Context),
            WindowedLayers = fields.Sizes("windowed_layers", ModelSizes.LayerIndex) is { } layers ? new LayerSet(layers) : null,
            EmbeddingScale = fields.Number("embedding_scale") ?? sizes.EmbeddingScale,
        };
        config.Validate(source);
        return config;
    }

    static RopeScaling ReadRopeScaling(ConfigFields scaling)
    {
        scaling.RejectUnknownKeys(["factor", "low_freq_factor", "high_freq_factor", "original_context_length"]);
        return new RopeScaling(
            scaling.Number("factor") ?? throw scaling.Bad("\"rope_scaling\" needs \"factor\""),
            scaling.Number("low_freq_factor") ?? throw scaling.Bad("\"rope_scaling\" needs \"low_freq_factor\""),
            scaling.Number("high_freq_factor") ?? throw scaling.Bad("\"rope_scaling\" needs \"high_freq_factor\""),
            scaling.Size("original_context_length", ModelSizes.Context));
    }

    /// <summary>An enum's values as the serializer spells them (layer_norm, gelu_new).</summary>
    static Dictionary<string, T> Spellings<T>() where T : struct, Enum =>
        Enum.GetValues<T>().ToDictionary(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()), StringComparer.Ordinal);
}
