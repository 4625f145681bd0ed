using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using TorchSharp;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// The project's own model folder (see README.md beside this file): <c>config.json</c> (the <see cref="ModelConfig"/>),
/// <c>model.safetensors</c> (F32, TransformerLens parameter names), <c>tokenizer.json</c> (a <see cref="TokenizerSpec"/>)
/// and an optional free-form <c>card.json</c>.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string WeightsFile = "model.safetensors";
    public const string TokenizerFile = "tokenizer.json";
    public const string CardFile = "card.json";

    // Cards are read by people: apostrophes and accents stay as written rather than \u-escaped.
    static readonly JsonSerializerOptions CardJson = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes the model to <paramref name="dir"/>. The folder is assembled beside it and renamed into place, so a
    /// reader sees the old folder or the new one, never a mix. An existing folder is replaced only with
    /// <paramref name="overwrite"/>; its other files (a loss curve, plots) are carried into the new folder.
    /// </summary>
    public static void Save(HookedTransformer model, string dir, TokenizerSpec tokenizer, JsonNode? card = null, bool overwrite = false)
    {
        string target = Path.GetFullPath(dir).TrimEnd(Path.DirectorySeparatorChar);
        bool exists = Directory.Exists(target);
        if (exists && !overwrite && Directory.EnumerateFileSystemEntries(target).Any())
            throw new IOException($"{target} already exists and is not empty; pass overwrite to replace it");
        if (File.Exists(target)) throw new IOException($"{target} is a file, not a folder");

        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.saving");
        string retired = Path.Combine(parent, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.old");
        try
        {
            Directory.CreateDirectory(staging);
            if (exists) CopyOtherEntries(target, staging);
            WriteFiles(model, staging, tokenizer, card);
            if (exists) Directory.Move(target, retired);
            try
            {
                Directory.Move(staging, target);
            }
            catch
            {
                if (exists) Directory.Move(retired, target);
                throw;
            }
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            if (Directory.Exists(retired)) Directory.Delete(retired, recursive: true);
        }
    }

    static void WriteFiles(HookedTransformer model, string dir, TokenizerSpec tokenizer, JsonNode? card)
    {
        File.WriteAllText(Path.Combine(dir, ConfigFile), ModelConfigJson.Serialize(model.Config));
        SafetensorsWriter.Write(
            Path.Combine(dir, WeightsFile),
            model.named_parameters().Select(p => new KeyValuePair<string, torch.Tensor>(p.name, p.parameter)),
            new Dictionary<string, string> { ["format"] = "pt", ["circuitdsl"] = "hooked-transformer" });
        tokenizer.Write(Path.Combine(dir, TokenizerFile));
        if (card is not null) File.WriteAllText(Path.Combine(dir, CardFile), card.ToJsonString(CardJson) + "\n");
    }

    static void CopyOtherEntries(string from, string to)
    {
        string[] ours = [ConfigFile, WeightsFile, TokenizerFile, CardFile];
        foreach (var file in Directory.EnumerateFiles(from))
            if (!ours.Contains(Path.GetFileName(file)))
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.EnumerateDirectories(from))
        {
            string copy = Path.Combine(to, Path.GetFileName(sub));
            Directory.CreateDirectory(copy);
            CopyOtherEntries(sub, copy);
        }
    }

    /// <summary>
    /// Loads a model folder, checking every tensor name, shape and dtype against the config before allocating the
    /// model or reading any data. Problems raise <see cref="ModelFormatException"/> naming the file and the tensors.
    /// </summary>
    public static LoadedModel Load(string dir) => Load(dir, ModelLoadOptions.Default);

    /// <summary>Loads a model folder as <paramref name="options"/> say (e.g. keeping half-precision weights).</summary>
    public static LoadedModel Load(string dir, ModelLoadOptions options) =>
        Load(dir, ModelLoader.ReadConfigObject(Path.Combine(dir, ConfigFile)), options);

    internal static LoadedModel Load(string dir, JsonObject configJson, ModelLoadOptions options)
    {
        string configPath = Path.Combine(dir, ConfigFile), weightsPath = Path.Combine(dir, WeightsFile);
        string tokenizerPath = Path.Combine(dir, TokenizerFile), cardPath = Path.Combine(dir, CardFile);
        const string missing = "missing: a model folder needs config.json, model.safetensors and tokenizer.json";

        var config = ModelConfigJson.FromJson(configJson, configPath);
        var tokenizer = TokenizerSpec.FromJson(ModelFiles.ReadJson(tokenizerPath, missing), tokenizerPath);
        if (tokenizer.VocabSize is int tokens && tokens > config.VocabSize)
            throw new ModelFormatException(tokenizerPath, $"the tokenizer's vocab_size {tokens} exceeds the model's {config.VocabSize}");
        // card.json is optional, but one that is there (even as a folder or a device) must be readable.
        var card = Path.Exists(cardPath) ? ReadCard(cardPath) : null;

        using var reader = SafetensorsReader.Open(weightsPath, missing);
        ModelParameters.CheckNamesAndShapes(ParameterShapes.Of(config), reader.Entries, weightsPath);
        // Matrices are the parameters named W_* (the model's rule for which parameters may be half precision).
        var matrixDtypes = reader.Entries.Keys.Where(n => n[(n.LastIndexOf('.') + 1)..].StartsWith('W')).Select(reader.StoredType);
        var model = new HookedTransformer(config, options.WeightDtypeFor(matrixDtypes));
        try
        {
            ModelParameters.Assign(model, reader.ReadInto);
            return new LoadedModel(model, tokenizer.Create(), card, ModelFormat.CircuitDsl, Path.GetFullPath(dir));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static JsonNode ReadCard(string path) =>
        ModelFiles.ReadJson(path, "missing") ?? throw new ModelFormatException(path, "the card is null");
}
