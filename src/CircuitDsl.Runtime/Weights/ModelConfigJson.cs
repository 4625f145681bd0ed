using System.Text.Json;
using System.Text.Json.Serialization;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// <c>config.json</c> of the project's model folders: <see cref="ModelConfig"/> in snake_case
/// (<c>d_model</c>, <c>normalization: "layer_norm"</c>), properties in declaration order, so equal configs give equal bytes.
/// </summary>
public static class ModelConfigJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // Options-level converters take precedence over the enums' own [JsonConverter] attributes.
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
        // A misspelt key is an error rather than a silently defaulted field.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Serialize(ModelConfig config) => JsonSerializer.Serialize(config, Options) + "\n";

    /// <summary>Parses and validates a config; errors name <paramref name="source"/>.</summary>
    public static ModelConfig Deserialize(string json, string source)
    {
        ModelConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<ModelConfig>(json, Options);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(source, $"not a CircuitDsl model config: {e.Message}");
        }
        if (config is null) throw new ModelFormatException(source, "the config is null");
        config.Validate(source);
        return config;
    }

    public static ModelConfig Read(string path) => Deserialize(File.ReadAllText(path), path);
}
