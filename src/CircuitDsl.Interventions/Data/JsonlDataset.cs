using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Interventions.Data;

/// <summary>
/// Reads user data: one JSON object per line (blank lines are skipped). Fields (README, "Data format"):
/// <c>prompt</c> (text, or an array of token ids; required), <c>counterfactual</c> (text or ids, same length),
/// <c>answer</c> and <c>wrong_answer</c> (text of exactly one token, or an id), <c>positions</c> (an object from
/// name to an index or an array of indices; negative indices count from the end), <c>group</c> (text or number,
/// e.g. the template). Every problem is reported with its line number, all at once. Counterfactuals come on every
/// line or on none: patching then uses exactly the pairs written (a file that mixes them is refused, not half-paired).
/// Only a regular file within <see cref="ResourceLimits.MaxDataFileBytes"/> is read, and its lines are measured against
/// <see cref="ResourceLimits.MaxExamples"/> and <see cref="ResourceLimits.MaxDatasetTokens"/> before examples are made.
/// </summary>
public static class JsonlDataset
{
    static readonly string[] KnownFields = ["prompt", "counterfactual", "answer", "wrong_answer", "positions", "group"];

    /// <exception cref="IOException">The path is not a regular file within the size limit, or cannot be read.</exception>
    /// <exception cref="DataFormatException">A line is malformed, or the file holds too many examples or tokens.</exception>
    public static Dataset Load(string path, ITokenizer tokenizer)
    {
        if (!InputFiles.TryReadBounded(path, ResourceLimits.MaxDataFileBytes, nameof(ResourceLimits.MaxDataFileBytes), out byte[] bytes, out string error))
            throw new IOException($"cannot read data file '{path}': {error}");
        var text = bytes.AsSpan();
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..]; // a byte-order mark, as File.ReadAllLines skips it
        return Parse([.. Lines(System.Text.Encoding.UTF8.GetString(text))], tokenizer, path);
    }

    public static Dataset Parse(IReadOnlyList<string> lines, ITokenizer tokenizer, string source = "data")
    {
        // Counted before any line is parsed, so a file of too many examples is refused before they are made.
        int examplesInFile = lines.Count(l => !string.IsNullOrWhiteSpace(l));
        if (examplesInFile > ResourceLimits.MaxExamples)
            throw new DataFormatException(source, [new DataError(1,
                $"the file holds {examplesInFile:N0} examples, over the limit of {ResourceLimits.MaxExamples:N0} ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxExamples)}); use fewer lines")]);
        var errors = new List<DataError>();
        var examples = new List<Example>();
        var exampleLines = new List<int>();
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
                if ((long)examplesInFile * length > ResourceLimits.MaxDatasetTokens)
                    throw new DataFormatException(source, [new DataError(firstLine,
                        $"{examplesInFile:N0} examples × {length} tokens (every prompt has this one's length) = {(long)examplesInFile * length:N0} tokens, " +
                        $"over the limit of {ResourceLimits.MaxDatasetTokens:N0} ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxDatasetTokens)}); use fewer or shorter prompts")]);
            }
            else if (example is not null && example.Length != length)
                lineErrors.Add($"the prompt has {example.Length} tokens but line {firstLine} has {length}; every prompt must have the same length (put templates of other lengths in their own file)");
            errors.AddRange(lineErrors.Select(m => new DataError(i + 1, m)));
            if (example is not null && lineErrors.Count == 0)
            {
                examples.Add(example);
                exampleLines.Add(i + 1);
            }
        }
        if (errors.Count == 0 && examples.Count == 0) errors.Add(new DataError(1, "the file holds no examples"));
        if (errors.Count == 0 && MixedCounterfactuals(examples, exampleLines) is { } mixed) errors.Add(mixed);
        if (errors.Count > 0) throw new DataFormatException(source, errors);
        return new Dataset(examples, name: source);
    }

    /// <summary>
    /// Some lines with a counterfactual and some without cannot be patched as written: pairing would fail on the
    /// bare lines, and resampling would ignore the pairs. The first line that differs from the first example is named.
    /// </summary>
    static DataError? MixedCounterfactuals(List<Example> examples, List<int> lines)
    {
        bool paired = examples[0].Counterfactual is not null;
        int odd = examples.FindIndex(e => (e.Counterfactual is not null) != paired);
        if (odd < 0) return null;
        string advice = "give every line its counterfactual, or none (then patching resamples the pool)";
        return new DataError(lines[odd], paired
            ? $"no 'counterfactual', but line {lines[0]} has one; {advice}"
            : $"a 'counterfactual', but line {lines[0]} has none; {advice}");
    }

    /// <summary>The lines of a text, split at \n, \r\n or \r (as File.ReadAllLines does).</summary>
    static IEnumerable<string> Lines(string text)
    {
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) yield return line;
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

    static int[]? Tokens(JsonNode? node, string field, ITokenizer tokenizer, List<string> errors, bool required, bool continuation = false)
    {
        switch (node)
        {
            case null:
                return required ? Fail<int[]>(errors, $"missing '{field}' (text, or an array of token ids)") : null;
            case JsonValue v when v.TryGetValue(out string? text):
                try
                {
                    // An answer continues the prompt: no begin-of-sentence id before it (Llama, Mistral, Gemma).
                    var ids = continuation ? tokenizer.EncodeContinuation(text) : tokenizer.Encode(text);
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
        var ids = Tokens(node, field, tokenizer, errors, required: true, continuation: true);
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
