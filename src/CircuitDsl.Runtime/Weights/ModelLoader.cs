using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>One entry point for model folders: tells the project's own format from a Hugging Face GPT-2 checkpoint.</summary>
public static class ModelLoader
{
    /// <summary>Loads the model folder at <paramref name="path"/>; any problem is a <see cref="ModelFormatException"/>.</summary>
    public static LoadedModel Load(string path) => DetectFormat(path, out var config) switch
    {
        ModelFormat.HuggingFaceGpt2 => HfGpt2Checkpoint.Load(path, config),
        _ => ModelFolder.Load(path),
    };

    /// <summary>The architecture of the model folder at <paramref name="path"/>, from its config alone (no weights read).</summary>
    public static ModelConfig ReadConfig(string path) => DetectFormat(path, out var config) switch
    {
        ModelFormat.HuggingFaceGpt2 => HfGpt2Config.Read(Path.Combine(path, ModelFolder.ConfigFile), config, Path.GetFileName(Path.TrimEndingDirectorySeparator(path))),
        _ => ModelConfigJson.Read(Path.Combine(path, ModelFolder.ConfigFile)),
    };

    /// <summary>The format of the folder, judged from the keys of its config.json.</summary>
    public static ModelFormat DetectFormat(string path) => DetectFormat(path, out _);

    static ModelFormat DetectFormat(string path, out JsonObject config)
    {
        if (File.Exists(path))
            throw new ModelFormatException(path, "expected a model folder (config.json, model.safetensors, ...), not a file");
        if (!Directory.Exists(path))
            throw new ModelFormatException(path, "no such model folder");
        string configPath = Path.Combine(path, ModelFolder.ConfigFile);
        if (!File.Exists(configPath))
            throw new ModelFormatException(configPath, "missing: every model folder has a config.json");
        try
        {
            config = JsonNode.Parse(File.ReadAllText(configPath)) as JsonObject
                ?? throw new ModelFormatException(configPath, "the config must be a JSON object");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(configPath, $"not valid JSON: {e.Message}");
        }
        return HfGpt2Config.IsHuggingFace(config) ? ModelFormat.HuggingFaceGpt2 : ModelFormat.CircuitDsl;
    }
}
