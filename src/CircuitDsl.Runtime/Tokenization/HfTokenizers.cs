using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using Microsoft.ML.Tokenizers;

namespace CircuitDsl.Runtime.Tokenization;

/// <summary>
/// Reads the tokenizer of a Hugging Face folder. SentencePiece <c>tokenizer.model</c> (Llama-2, Mistral, Gemma) is
/// preferred where the family ships one; otherwise <c>tokenizer.json</c> must be a byte-level BPE (Llama-3, Qwen2,
/// GPT-NeoX): Microsoft.ML.Tokenizers 2.0.1 has no tokenizer.json reader, so its model.vocab, model.merges,
/// added_tokens and pre-tokenizer regex are taken out here and given to <see cref="BpeTokenizer"/>. A folder with
/// neither file gets integer tokens (the text is the ids), so that its weights still run.
/// </summary>
public static class HfTokenizers
{
    public const string TokenizerJson = "tokenizer.json";
    public const string SentencePieceModel = "tokenizer.model";

    /// <summary>GPT-2's pre-tokenizer split (ByteLevel with use_regex), which GPT-NeoX's tokenizer.json implies.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    static readonly HashSet<string> SentencePieceFamilies = new(StringComparer.Ordinal) { "llama", "mistral", "gemma", "gemma2" };

    /// <summary>
    /// The tokenizer of folder <paramref name="dir"/> for a model of <paramref name="modelType"/> whose embedding has
    /// <paramref name="modelVocab"/> rows; <paramref name="beginOfSentence"/> is put before every text when not null.
    /// </summary>
    public static ITokenizer Load(string dir, string modelType, int? beginOfSentence, int modelVocab)
    {
        string model = Path.Combine(dir, SentencePieceModel), json = Path.Combine(dir, TokenizerJson);
        ITokenizer tokenizer;
        if (SentencePieceFamilies.Contains(modelType) && File.Exists(model))
            tokenizer = SentencePiece(model, beginOfSentence);
        else if (File.Exists(json))
            tokenizer = ByteLevelBpe(json, beginOfSentence);
        else
            return new IntegerTokenizer(modelVocab);
        if (tokenizer.VocabSize > modelVocab)
            throw new ModelFormatException(tokenizer.Spec.File!, $"the tokenizer has ids up to {tokenizer.VocabSize - 1}, but the model's embedding has only {modelVocab} rows");
        if (beginOfSentence >= tokenizer.VocabSize)
            throw new ModelFormatException(tokenizer.Spec.File!, $"the BOS id {beginOfSentence} (config.json's bos_token_id) is not in the tokenizer's vocabulary 0..{tokenizer.VocabSize - 1}");
        return tokenizer;
    }

    /// <summary>Builds the tokenizer a spec of kind sentencepiece or hf-bpe names.</summary>
    internal static ITokenizer FromSpec(TokenizerSpec spec) => spec.Kind == TokenizerSpec.SentencePieceKind
        ? SentencePiece(spec.File!, spec.BeginOfSentence)
        : ByteLevelBpe(spec.File!, spec.BeginOfSentence);

    /// <summary>A SentencePiece model proto (BPE or Unigram), with <paramref name="beginOfSentence"/> put first.</summary>
    public static HfTokenizer SentencePiece(string path, int? beginOfSentence)
    {
        var bytes = ModelFiles.ReadAllBytes(path, "file not found", ResourceLimits.MaxTokenizerFileBytes, nameof(ResourceLimits.MaxTokenizerFileBytes));
        SentencePieceTokenizer tokenizer;
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            // SentencePiece matches user-defined pieces (Gemma's <start_of_turn>, whitespace runs, ...) whole wherever they
            // occur; Microsoft.ML.Tokenizers does so for the special tokens it is given.
            var userDefined = SentencePieceProto.UserDefinedPieces(bytes);
            tokenizer = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false, userDefined.Count > 0 ? userDefined : null);
        }
        catch (Exception e) when (e is not ModelFormatException)
        {
            throw new ModelFormatException(path, $"not a SentencePiece model Microsoft.ML.Tokenizers can read: {e.Message}");
        }
        int size = Math.Max(tokenizer.Vocabulary.Values.DefaultIfEmpty(-1).Max(), tokenizer.SpecialTokens?.Values.DefaultIfEmpty(-1).Max() ?? -1) + 1;
        return new HfTokenizer(tokenizer, TokenizerSpec.HuggingFace(TokenizerSpec.SentencePieceKind, Path.GetFullPath(path), beginOfSentence, size), size);
    }

    /// <summary>A byte-level BPE tokenizer.json (GPT-2 style bytes-to-characters), with <paramref name="beginOfSentence"/> put first.</summary>
    public static HfTokenizer ByteLevelBpe(string path, int? beginOfSentence)
    {
        var root = ModelFiles.ReadJson(path, "file not found", ResourceLimits.MaxTokenizerFileBytes, nameof(ResourceLimits.MaxTokenizerFileBytes)) as JsonObject
            ?? throw new ModelFormatException(path, "a tokenizer.json is a JSON object");
        ModelFormatException Bad(string what) => new(path, what);
        if (root["model"] is not JsonObject model) throw Bad("missing \"model\"");
        string type = Text(model["type"]) ?? "BPE";
        if (type != "BPE") throw Bad($"\"model\".\"type\" '{type}' is not supported (only byte-level BPE tokenizer.json files load; SentencePiece models need tokenizer.model)");

        if (model["vocab"] is not JsonObject vocabJson) throw Bad("\"model\".\"vocab\" must be an object (token → id)");
        var vocab = new Dictionary<string, int>(vocabJson.Count, StringComparer.Ordinal);
        foreach (var (token, value) in vocabJson)
            vocab[token] = Id(value) ?? throw Bad($"\"model\".\"vocab\" entry '{Short(token)}' must be a non-negative integer id");
        var merges = Merges(model["merges"], Bad);

        var special = new Dictionary<string, int>(StringComparer.Ordinal);
        if (root["added_tokens"] is JsonArray added)
            for (int i = 0; i < added.Count; i++)
            {
                if (added[i] is not JsonObject t || Text(t["content"]) is not { Length: > 0 } content || Id(t["id"]) is not int id)
                    throw Bad($"\"added_tokens\"[{i}] needs a \"content\" and an integer \"id\"");
                special[content] = id;
            }
        else if (root["added_tokens"] is not null) throw Bad("\"added_tokens\" must be an array");

        var (pattern, prefixSpace) = PreTokenizer(root["pre_tokenizer"], Bad);
        bool nfc = Normalizer(root["normalizer"], Bad);

        Tokenizer tokenizer;
        try
        {
            tokenizer = BpeTokenizer.Create(new BpeOptions(vocab)
            {
                Merges = merges,
                ByteLevel = true,
                SpecialTokens = special.Count > 0 ? special : null,
                PreTokenizer = new RegexPreTokenizer(new Regex(pattern, RegexOptions.Compiled), special.Count > 0 ? special : null),
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or RegexParseException or FormatException)
        {
            throw Bad($"Microsoft.ML.Tokenizers cannot build this BPE: {e.Message}");
        }
        int size = Math.Max(vocab.Values.DefaultIfEmpty(-1).Max(), special.Values.DefaultIfEmpty(-1).Max()) + 1;
        // ignore_merges (Llama-3, Qwen2): a pre-token that is itself in the vocabulary is that token, whatever the merges
        // would make of it. Microsoft.ML.Tokenizers' BPE always merges, so such pre-tokens are looked up here first.
        bool ignoreMerges = model["ignore_merges"] is JsonValue im && im.TryGetValue(out bool ignore) && ignore;
        var encode = ignoreMerges ? new WholePreTokens(tokenizer, new Regex(pattern, RegexOptions.Compiled), vocab, special).Encode : (Func<string, IReadOnlyList<int>>?)null;
        return new HfTokenizer(tokenizer, TokenizerSpec.HuggingFace(TokenizerSpec.HuggingFaceBpeKind, Path.GetFullPath(path), beginOfSentence, size), size, nfc, prefixSpace, encode);
    }

    /// <summary>Merges as "a b" lines: tokenizer.json writes either such strings or [a, b] pairs.</summary>
    static List<string> Merges(JsonNode? node, Func<string, ModelFormatException> bad)
    {
        if (node is not JsonArray array) throw bad("\"model\".\"merges\" must be an array");
        var merges = new List<string>(array.Count);
        for (int i = 0; i < array.Count; i++)
            merges.Add(array[i] switch
            {
                JsonValue v when Text(v) is { } line && line.Split(' ').Length == 2 => line,
                JsonArray { Count: 2 } pair when Text(pair[0]) is { } a && Text(pair[1]) is { } b && !a.Contains(' ') && !b.Contains(' ') => $"{a} {b}",
                _ => throw bad($"\"model\".\"merges\"[{i}] must be \"a b\" or [\"a\", \"b\"]"),
            });
        return merges;
    }

    /// <summary>
    /// The split regex and whether a space is put before the text. Accepted: ByteLevel (GPT-2's regex unless
    /// use_regex is false), a Split on a regex, or a Sequence of one Split and a ByteLevel without its own regex.
    /// </summary>
    static (string Pattern, bool PrefixSpace) PreTokenizer(JsonNode? node, Func<string, ModelFormatException> bad)
    {
        var steps = node switch
        {
            JsonObject o when Text(o["type"]) == "Sequence" => (o["pretokenizers"] as JsonArray ?? throw bad("\"pre_tokenizer\".\"pretokenizers\" must be an array")).ToList(),
            JsonObject o => [o],
            _ => throw bad("missing \"pre_tokenizer\": only byte-level BPE tokenizer.json files load (a SentencePiece model, as Llama-2's, needs its tokenizer.model beside config.json)"),
        };
        string? pattern = null;
        bool byteLevel = false, prefixSpace = false;
        foreach (var step in steps)
        {
            if (step is not JsonObject s) throw bad("\"pre_tokenizer\" steps must be objects");
            switch (Text(s["type"]))
            {
                case "ByteLevel":
                    byteLevel = true;
                    prefixSpace |= s["add_prefix_space"] is JsonValue p && p.TryGetValue(out bool add) && add;
                    bool useRegex = s["use_regex"] is not JsonValue r || !r.TryGetValue(out bool use) || use;
                    if (useRegex) pattern = pattern is null ? Gpt2Pattern : throw bad("\"pre_tokenizer\" splits twice (a Split and a ByteLevel with use_regex)");
                    break;
                case "Split":
                    if (pattern is not null) throw bad("\"pre_tokenizer\" has more than one split");
                    pattern = (s["pattern"] as JsonObject)?["Regex"] is JsonValue rx && Text(rx) is { } regex
                        ? regex
                        : throw bad("\"pre_tokenizer\" Split needs a \"pattern\" {\"Regex\": ...}");
                    string behavior = Text(s["behavior"]) ?? "Isolated";
                    if (behavior != "Isolated" || s["invert"] is JsonValue inv && inv.TryGetValue(out bool invert) && invert)
                        throw bad($"\"pre_tokenizer\" Split with behavior '{behavior}' or invert is not supported (only Isolated)");
                    break;
                case var other:
                    throw bad($"\"pre_tokenizer\" step '{other}' is not supported (ByteLevel and Split load)");
            }
        }
        if (!byteLevel) throw bad("\"pre_tokenizer\" has no ByteLevel step: only byte-level BPE tokenizer.json files load (SentencePiece models need tokenizer.model)");
        return (pattern ?? throw bad("\"pre_tokenizer\" has no split regex"), prefixSpace);
    }

    /// <summary>Whether NFC is applied first (Qwen2); no other normaliser is supported.</summary>
    static bool Normalizer(JsonNode? node, Func<string, ModelFormatException> bad) => node switch
    {
        null => false,
        JsonValue v when v.GetValueKind() == JsonValueKind.Null => false,
        JsonObject o when Text(o["type"]) == "NFC" => true,
        JsonObject o => throw bad($"\"normalizer\" '{Text(o["type"])}' is not supported (none or NFC)"),
        _ => throw bad("\"normalizer\" must be an object or null"),
    };

    /// <summary>
    /// Encoding with ignore_merges: the text is split at added tokens (longest first), each rest by the pre-tokenizer
    /// regex; a pre-token whose byte-level spelling is in the vocabulary is that id, any other goes through the BPE.
    /// </summary>
    sealed class WholePreTokens(Tokenizer bpe, Regex split, Dictionary<string, int> vocab, Dictionary<string, int> special)
    {
        readonly string[] added = [.. special.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)];

        public IReadOnlyList<int> Encode(string text)
        {
            var ids = new List<int>();
            int start = 0;
            while (start < text.Length)
            {
                var (at, token) = NextAdded(text, start);
                PreTokens(text[start..at], ids);
                if (token is null) break;
                ids.Add(special[token]);
                start = at + token.Length;
            }
            return ids;
        }

        (int At, string? Token) NextAdded(string text, int start)
        {
            for (int i = start; i < text.Length; i++)
                foreach (var token in added)
                    if (string.CompareOrdinal(text, i, token, 0, token.Length) == 0) return (i, token);
            return (text.Length, null);
        }

        void PreTokens(string segment, List<int> ids)
        {
            foreach (Match m in split.Matches(segment))
            {
                if (m.Length == 0) continue;
                if (vocab.TryGetValue(ByteLevel(m.Value), out int id)) ids.Add(id);
                else ids.AddRange(bpe.EncodeToIds(m.Value));
            }
        }
    }

    /// <summary>GPT-2's byte-level spelling: each UTF-8 byte as a printable character (printable bytes stand for themselves, the rest map to 256 + n).</summary>
    internal static string ByteLevel(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteChars[bytes[i]];
        return new string(chars);
    }

    static readonly char[] ByteChars = BuildByteChars();

    static char[] BuildByteChars()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
            map[b] = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255 ? (char)b : (char)next++;
        return map;
    }

    static string? Text(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    static int? Id(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out int id) && id >= 0 && id < ResourceLimits.MaxVocabulary ? id : null;

    static string Short(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
