using System.Text;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Weights;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>Model folders written by hand, one file at a time, so that each test breaks exactly one thing.</summary>
internal static class ConfigTestFolders
{
    /// <summary>A valid zoo config of a tiny model (every field written).</summary>
    public static JsonObject ZooConfig() => new()
    {
        ["name"] = "tiny", ["layers"] = 1, ["heads"] = 2, ["d_model"] = 4, ["d_head"] = 2, ["d_mlp"] = 8,
        ["vocab_size"] = 5, ["context_length"] = 3, ["normalization"] = "layer_norm", ["activation"] = "gelu_new",
        ["tied_unembedding"] = false, ["layer_norm_epsilon"] = 1e-5,
    };

    /// <summary>A valid Hugging Face GPT-2 config of a tiny model.</summary>
    public static JsonObject HfConfig() => new()
    {
        ["model_type"] = "gpt2", ["n_layer"] = 1, ["n_head"] = 2, ["n_embd"] = 4, ["vocab_size"] = 5,
        ["n_positions"] = 3, ["n_inner"] = null, ["activation_function"] = "gelu_new", ["layer_norm_epsilon"] = 1e-5,
    };

    /// <summary>Writes <paramref name="config"/> as the folder's config.json and returns the file's path.</summary>
    public static string WriteConfig(string dir, JsonNode config) => WriteConfigText(dir, config.ToJsonString());

    public static string WriteConfigText(string dir, string text)
    {
        string path = Path.Combine(dir, ModelFolder.ConfigFile);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A config whose <paramref name="key"/> holds the JSON <paramref name="value"/> (removed when null).</summary>
    public static string WithValue(JsonObject config, string key, string? value)
    {
        config.Remove(key);
        string text = config.ToJsonString();
        return value is null ? text : text.Insert(1, $"\"{key}\":{value},");
    }

    /// <summary>The bytes of a safetensors file of zero-filled tensors; <paramref name="dtypeOf"/> may give a tensor another 4-byte dtype.</summary>
    public static byte[] ZeroTensors(IReadOnlyDictionary<string, long[]> shapes, Func<string, string>? dtypeOf = null)
    {
        var header = new StringBuilder("{");
        long offset = 0;
        foreach (var (name, shape) in shapes.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            long bytes = 4 * shape.Aggregate(1L, (n, d) => n * d);
            if (header.Length > 1) header.Append(',');
            header.Append($"\"{name}\":{{\"dtype\":\"{dtypeOf?.Invoke(name) ?? "F32"}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + bytes}]}}");
            offset += bytes;
        }
        header.Append('}');
        return WeightsTestSupport.RawFile(header.ToString(), new byte[offset]);
    }
}
