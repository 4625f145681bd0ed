using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// Loads a Hugging Face folder of a Llama-like family or GPT-NeoX (config.json, model.safetensors or its shards,
/// tokenizer.json or tokenizer.model): the config is mapped by the family, every tensor's name, shape and dtype is
/// checked from the headers before anything is allocated, then each parameter is written in place from its tensor.
/// </summary>
public static class HfCheckpoint
{
    /// <summary>The family of a Hugging Face config.json, by model_type; an unsupported one is an error naming the key.</summary>
    internal static IHfFamily FamilyOf(string configPath, JsonObject json)
    {
        var fields = new ConfigFields(json, configPath);
        string modelType = fields.RequiredString("model_type");
        return HfFamilies.Find(modelType)
            ?? throw fields.Bad($"\"model_type\" '{modelType}' is not supported (supported: {HfFamilies.Supported})");
    }

    /// <summary>The model config a folder's config.json describes (no weights read).</summary>
    public static ModelConfig ReadConfig(string dir, JsonObject json) => Architecture(dir, json, out _).Config;

    static HfArchitecture Architecture(string dir, JsonObject json, out IHfFamily family)
    {
        string configPath = Path.Combine(dir, ModelFolder.ConfigFile);
        family = FamilyOf(configPath, json);
        var architecture = family.Read(new ConfigFields(json, configPath), HfGpt2Config.NameOf(json, dir));
        architecture.Config.Validate(configPath);
        return architecture;
    }

    public static LoadedModel Load(string dir, JsonObject json, ModelLoadOptions options)
    {
        var architecture = Architecture(dir, json, out var family);
        var (config, map) = (architecture.Config, architecture.Tensors);
        using var checkpoint = CheckpointTensors.Open(dir, family.DisplayName);
        CheckNamesAndShapes(map, config, checkpoint);
        // The tokenizer is read before the weights too: a broken one fails the load before gigabytes are allocated.
        var tokenizer = HfTokenizers.Load(dir, family.ModelType, architecture.BeginOfSentence, config.VocabSize);

        var model = new HookedTransformer(config, options.WeightDtypeFor(map.MatrixSources().Select(checkpoint.StoredType)));
        try
        {
            using var source = new HfTensorSource(checkpoint);
            ModelParameters.Assign(model, (tlName, parameter) => map.Fill(tlName, parameter, source));
            return new LoadedModel(model, tokenizer, null, family.Format, Path.GetFullPath(dir));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static void CheckNamesAndShapes(HfTensorMap map, ModelConfig config, CheckpointTensors checkpoint)
    {
        var expected = map.Expected();
        var actual = checkpoint.Entries.Where(e => !map.IsBuffer(e.Key)).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        // A tied checkpoint may still carry the unembedding (a copy of the embedding); it is checked but not used.
        if (config.TiedUnembedding && actual.ContainsKey(map.UnembeddingName)) expected[map.UnembeddingName] = [config.VocabSize, config.DModel];
        Func<string, string>? locate = checkpoint.Sharded ? name => Path.GetFileName(checkpoint.FileOf(name)) : null;
        ModelParameters.CheckNamesAndShapes(expected, actual, checkpoint.Source, locate);
    }
}
