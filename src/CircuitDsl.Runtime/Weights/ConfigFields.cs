using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Typed fields of a parsed config.json, for both config formats: every problem is a <see cref="ModelFormatException"/>
/// naming the file, the field, what it must be and what it is. A null value counts as absent.
/// </summary>
sealed class ConfigFields(JsonObject json, string path)
{
    public ModelFormatException Bad(string what) => new(path, what);

    /// <summary>Whether <paramref name="key"/> is written at all (a null value counts): Hugging Face defaults apply only to absent keys.</summary>
    public bool Has(string key) => json.ContainsKey(key);

    /// <summary>A number; <paramref name="absent"/> when the key is missing, null when it is written as null.</summary>
    public double? NumberOr(string key, double? absent) => Has(key) ? Number(key) : absent;

    /// <summary>The strings of an array of strings, or null when absent.</summary>
    public string[]? Strings(string key)
    {
        switch (json[key])
        {
            case null: return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Null: return null;
            case JsonArray array:
                return [.. array.Select((item, i) => item is JsonValue s && s.GetValueKind() == JsonValueKind.String
                    ? s.GetValue<string>()
                    : throw Bad($"\"{key}\" must be an array of strings; item {i} is {(item is null ? "null" : Shown(item))}"))];
            case var other: throw Bad($"\"{key}\" must be an array; got {Shown(other)}");
        }
    }

    /// <summary>A size within <paramref name="range"/>; absent is an error.</summary>
    public int Size(string key, SizeRange range) => OptionalSize(key, range) ?? throw Bad($"missing \"{key}\" ({range.Describe()})");

    /// <summary>A size within <paramref name="range"/>, or null when absent. Sizes are read as doubles so that 1e12 and 2^31 get the limit's message.</summary>
    public int? OptionalSize(string key, SizeRange range)
    {
        if (Value(key) is not { } v) return null;
        string written = Shown(v);
        if (v.GetValueKind() != JsonValueKind.Number || !v.TryGetValue(out double number) || double.IsNaN(number) ||
            (double.IsFinite(number) && Math.Floor(number) != number))
            throw Bad($"\"{key}\" must be {range.Describe()}; got {written}");
        if (range.Problem(key, number, written) is { } problem) throw Bad(problem);
        return (int)number;
    }

    public double? Number(string key) => Value(key) is { } v
        ? v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && double.IsFinite(d) ? d : throw Bad($"\"{key}\" must be a number; got {Shown(v)}")
        : null;

    public bool? Bool(string key) => Value(key) is { } v
        ? v.TryGetValue(out bool b) ? b : throw Bad($"\"{key}\" must be true or false; got {Shown(v)}")
        : null;

    public string? String(string key) => Value(key) is { } v
        ? v.TryGetValue(out string? s) ? s : throw Bad($"\"{key}\" must be a string; got {Shown(v)}")
        : null;

    /// <summary>A JSON object's fields (errors name the same file), or null when absent.</summary>
    public ConfigFields? Object(string key) => json[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonObject o => new ConfigFields(o, path),
        var other => throw Bad($"\"{key}\" must be an object; got {Shown(other)}"),
    };

    /// <summary>An array of sizes, each within <paramref name="range"/>, or null when absent.</summary>
    public int[]? Sizes(string key, SizeRange range)
    {
        switch (json[key])
        {
            case null: return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Null: return null;
            case JsonArray array:
                var values = new int[array.Count];
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.Number || !item.TryGetValue(out double d) || Math.Floor(d) != d)
                        throw Bad($"\"{key}\" must be an array of {range.Describe()}; item {i} is {(array[i] is null ? "null" : Shown(array[i]!))}");
                    if (range.Problem($"{key}[{i}]", d, Shown(item)) is { } problem) throw Bad(problem);
                    values[i] = (int)d;
                }
                return values;
            case var other: throw Bad($"\"{key}\" must be an array; got {Shown(other)}");
        }
    }

    public string RequiredString(string key) => String(key) ?? throw Bad($"missing \"{key}\"");

    /// <summary>One of <paramref name="choices"/> (spelling → value), or null when absent.</summary>
    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices) where T : struct =>
        String(key) is not { } s ? null
        : choices.TryGetValue(s, out var value) ? value
        : throw Bad($"\"{key}\" '{s}' is not supported ({string.Join(", ", choices.Keys)})");

    /// <summary>Refuses keys outside <paramref name="known"/>: a misspelt key would otherwise be silently defaulted.</summary>
    public void RejectUnknownKeys(IReadOnlyCollection<string> known)
    {
        var unknown = json.Select(p => p.Key).Where(k => !known.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw Bad($"unknown key(s) {string.Join(", ", unknown.Select(k => $"\"{k}\""))} (known: {string.Join(", ", known)})");
    }

    /// <summary>A value as the file writes it, cut short: a message must stay one line.</summary>
    static string Shown(JsonNode node)
    {
        string text = node.ToJsonString();
        return text.Length <= 40 ? text : text[..40] + "...";
    }

    JsonValue? Value(string key) => json[key] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
        JsonValue v => v,
        var other => throw Bad($"\"{key}\" must be a single value; got {Shown(other)}"),
    };
}
