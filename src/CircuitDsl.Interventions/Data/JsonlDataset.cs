using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Interventions.Data;

/// <summary>
/// Reads user data: one JSON object per line (blank lines are skipped). Fields (README, "Data format"):
/// <c>prompt</c> (text, or an array of token ids; required), <c>counterfactual</c> (text or ids, same length),
/// <c>answer</c> and <c>wrong_answer</c> (text of exactly one token, or an id), <c>positions</c> (an object from
/// name to an index or an array of indices; negative indices count from the end), <c>group</c> (text or number,
/// e.g. the template). Every problem is reported with its line number, all at once.
/// </summary>
public static class JsonlDataset
{
    static readonly string[] KnownFields = ["prompt", "counterfactual", "answer", "wrong_answer", "positions", "group"];

    public static Dataset Load(string path, ITokenizer tokenizer) =>
        Parse(File.ReadAllLines(path), tokenizer, path);

    public static Dataset Parse(IReadOnlyList<string> lines, ITokenizer tokenizer, string source = "data")
    {
        var errors = new List<DataError>();
        var examples = new List<Example>();
        int? length = null;
        int firstLine = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            var lineErrors = new List<string>();
            var example = ParseLine(lines[i], i + 1, tokenizer, lineErrors);
            if (example is not null && length is null)
            {
                length = example.Length;
                firstLine = i + 1;
            }
            else if (example is not null && example.Length != length)
                lineErrors.Add($"the prompt has {example.Length} tokens but line {firstLine} has {length}; every prompt must have the same length (put templates of other lengths in their own file)");
            errors.AddRange(lineErrors.Select(m => new DataError(i + 1, m)));
            if (example is not null && lineErrors.Count == 0) examples.Add(example);
        }
        if (errors.Count == 0 && examples.Count == 0) errors.Add(new DataError(1, "the file holds no examples"));
        if (errors.Count > 0) throw new DataFormatException(source, errors);
        return new Dataset(examples, name: source);
    }

    static Example? ParseLine(string line, int number, ITokenizer tokenizer, List<string> errors)
    {
        JsonObject json;
        try
        {
            if (JsonNode.Parse(line) is not JsonObject obj)
            {
                errors.Add("expected a JSON object ({\"prompt\": ...})");
                return null;
            }
            json = obj;
        }
        catch (JsonException e)
        {
            errors.Add($"not valid JSON: {e.Message}");
            return null;
        }
        foreach (var (key, _) in json)
            if (!KnownFields.Contains(key))
                errors.Add($"unknown field '{key}' (known: {string.Join(", ", KnownFields)})");

        var tokens = Tokens(json["prompt"], "prompt", tokenizer, errors, required: true);
        var counterfactual = Tokens(json["counterfactual"], "counterfactual", tokenizer, errors, required: false);
        if (tokens is not null && counterfactual is not null && counterfactual.Length != tokens.Length)
            errors.Add($"the counterfactual has {counterfactual.Length} tokens but the prompt has {tokens.Length}; they must line up position by position");
        var answer = SingleToken(json["answer"], "answer", tokenizer, errors);
        var wrong = SingleToken(json["wrong_answer"], "wrong_answer", tokenizer, errors);
        var positions = tokens is null ? null : Positions(json["positions"], tokens.Length, errors);
        string? group = json["group"] switch
        {
            null => null,
            JsonValue v when v.TryGetValue(out string? s) => s,
            JsonValue v when v.TryGetValue(out long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => Fail<string>(errors, "'group' must be text or a whole number"),
        };
        if (tokens is null || errors.Count > 0) return null;
        return new Example(tokens, counterfactual, answer, wrong, positions, group, $"line {number}");
    }

    static int[]? Tokens(JsonNode? node, string field, ITokenizer tokenizer, List<string> errors, bool required)
    {
        switch (node)
        {
            case null:
                return required ? Fail<int[]>(errors, $"missing '{field}' (text, or an array of token ids)") : null;
            case JsonValue v when v.TryGetValue(out string? text):
                try
                {
                    var ids = tokenizer.Encode(text);
                    return ids.Length > 0 ? ids : Fail<int[]>(errors, $"'{field}' is empty");
                }
                catch (TokenizationException e)
                {
                    return Fail<int[]>(errors, $"'{field}' cannot be tokenized: {e.Message}");
                }
            case JsonArray array:
                var result = new int[array.Count];
                for (int i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonValue item || !item.TryGetValue(out int id))
                        return Fail<int[]>(errors, $"'{field}'[{i}] is not a whole number");
                    if (id < 0 || id >= tokenizer.VocabSize)
                        return Fail<int[]>(errors, $"'{field}'[{i}] = {id} lies outside the vocabulary 0..{tokenizer.VocabSize - 1}");
                    result[i] = id;
                }
                return result.Length > 0 ? result : Fail<int[]>(errors, $"'{field}' is empty");
            default:
                return Fail<int[]>(errors, $"'{field}' must be text or an array of token ids");
        }
    }

    static int? SingleToken(JsonNode? node, string field, ITokenizer tokenizer, List<string> errors)
    {
        if (node is null) return null;
        if (node is JsonValue v && v.TryGetValue(out int id))
            return id >= 0 && id < tokenizer.VocabSize ? id : Fail<int?>(errors, $"'{field}' = {id} lies outside the vocabulary 0..{tokenizer.VocabSize - 1}");
        var ids = Tokens(node, field, tokenizer, errors, required: true);
        if (ids is null) return null;
        return ids.Length == 1 ? ids[0] : Fail<int?>(errors, $"'{field}' is {ids.Length} tokens; an answer must be exactly one token");
    }

    static Dictionary<string, int[]>? Positions(JsonNode? node, int length, List<string> errors)
    {
        if (node is null) return null;
        if (node is not JsonObject obj) return Fail<Dictionary<string, int[]>>(errors, "'positions' must be an object from name to index or array of indices");
        var result = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var (name, value) in obj)
        {
            var raw = value switch
            {
                JsonValue v when v.TryGetValue(out int single) => [single],
                JsonArray a when a.All(i => i is JsonValue iv && iv.TryGetValue(out int _)) => a.Select(i => i!.GetValue<int>()).ToArray(),
                _ => null,
            };
            if (raw is null)
            {
                errors.Add($"position '{name}' must be an index or an array of indices");
                continue;
            }
            var resolved = raw.Select(p => p < 0 ? length + p : p).ToArray();
            var bad = raw.Where((p, i) => resolved[i] < 0 || resolved[i] >= length).ToArray();
            if (bad.Length > 0)
            {
                errors.Add($"position '{name}' = {string.Join(", ", bad)} lies outside the prompt's {length} tokens");
                continue;
            }
            result[name] = resolved;
        }
        return result;
    }

    static T? Fail<T>(List<string> errors, string message)
    {
        errors.Add(message);
        return default;
    }
}
