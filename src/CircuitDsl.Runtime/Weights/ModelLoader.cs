using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights.HuggingFace;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// One entry point for model folders: tells the project's own format from a Hugging Face checkpoint, and a Hugging
/// Face checkpoint's family by config.json's model_type (gpt2, llama, mistral, qwen2, gpt_neox, gemma, gemma2).
/// </summary>
public static class ModelLoader
{
    const string MissingConfig = "missing: every model folder has a config.json";

    /// <summary>Loads the model folder at <paramref name="path"/>; any problem is a <see cref="ModelFormatException"/>.</summary>
    public static LoadedModel Load(string path) => Load(path, ModelLoadOptions.Default);

    /// <summary>Loads the model folder at <paramref name="path"/> as <paramref name="options"/> say (e.g. keeping half-precision weights).</summary>
    public static LoadedModel Load(string path, ModelLoadOptions options) => DetectFormat(path, out var config) switch
    {
        ModelFormat.CircuitDsl => ModelFolder.Load(path, config, options),
        ModelFormat.HuggingFaceGpt2 => HfGpt2Checkpoint.Load(path, config, options),
        _ => HfCheckpoint.Load(path, config, options),
    };

    /// <summary>The architecture of the model folder at <paramref name="path"/>, from its config alone (no weights read).</summary>
    public static ModelConfig ReadConfig(string path)
    {
        string configPath = Path.Combine(path, ModelFolder.ConfigFile);
        return DetectFormat(path, out var config) switch
        {
            ModelFormat.CircuitDsl => ModelConfigJson.FromJson(config, configPath),
            ModelFormat.HuggingFaceGpt2 => HfGpt2Config.Read(configPath, config, HfGpt2Config.NameOf(config, path)),
            _ => HfCheckpoint.ReadConfig(path, config),
        };
    }

    /// <summary>The format of the folder, judged from the keys of its config.json (and a Hugging Face one's model_type).</summary>
    public static ModelFormat DetectFormat(string path) => DetectFormat(path, out _);

    static ModelFormat DetectFormat(string path, out JsonObject config)
    {
        if (File.Exists(path))
            throw new ModelFormatException(path, "expected a model folder (config.json, model.safetensors, ...), not a file");
        if (!Directory.Exists(path))
            throw new ModelFormatException(path, "no such model folder");
        string configPath = Path.Combine(path, ModelFolder.ConfigFile);
        config = ReadConfigObject(configPath);
        if (!HfGpt2Config.IsHuggingFace(config)) return ModelFormat.CircuitDsl;
        // Configs from before model_type was written are GPT-2's (n_layer, n_head, ...).
        if (!config.ContainsKey("model_type") || config["model_type"] is JsonValue v && v.TryGetValue(out string? t) && t == "gpt2")
            return ModelFormat.HuggingFaceGpt2;
        return HfCheckpoint.FamilyOf(configPath, config).Format;
    }

    /// <summary>A config.json as a JSON object (see <see cref="ModelFiles.ReadJson"/> for the file's bounds).</summary>
    internal static JsonObject ReadConfigObject(string configPath) =>
        ModelFiles.ReadJson(configPath, MissingConfig) as JsonObject
            ?? throw new ModelFormatException(configPath, "the config must be a JSON object");
}
