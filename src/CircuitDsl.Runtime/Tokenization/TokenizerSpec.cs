using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Tokenization;

/// <summary>
/// The content of a model folder's <c>tokenizer.json</c>: <c>{"kind":"integer","vocab_size":64}</c> for the zoo's
/// integer-token models, <c>{"kind":"gpt2"}</c> for GPT-2's BPE.
/// </summary>
public sealed record TokenizerSpec
{
    public const string IntegerKind = "integer";
    public const string Gpt2Kind = "gpt2";
    /// <summary>A Hugging Face byte-level BPE tokenizer.json (Llama-3, Qwen2, GPT-NeoX).</summary>
    public const string HuggingFaceBpeKind = "hf-bpe";
    /// <summary>A SentencePiece tokenizer.model (Llama-2, Mistral, Gemma).</summary>
    public const string SentencePieceKind = "sentencepiece";

    public static TokenizerSpec Gpt2 { get; } = new(Gpt2Kind, null);
    public static TokenizerSpec Integer(int vocabSize) => new(IntegerKind, vocabSize);

    /// <summary>A Hugging Face folder's tokenizer: read from <paramref name="file"/>, with <paramref name="beginOfSentence"/> put first.</summary>
    public static TokenizerSpec HuggingFace(string kind, string file, int? beginOfSentence, int vocabSize) =>
        kind is HuggingFaceBpeKind or SentencePieceKind
            ? new(kind, vocabSize) { File = file, BeginOfSentence = beginOfSentence }
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "a Hugging Face tokenizer is hf-bpe or sentencepiece");

    public string Kind { get; }
    /// <summary>The integer tokenizer's vocabulary size, or a Hugging Face tokenizer's (its largest id + 1); GPT-2's is fixed.</summary>
    public int? VocabSize { get; }
    /// <summary>A Hugging Face tokenizer's file (tokenizer.json or tokenizer.model), as a full path.</summary>
    public string? File { get; private init; }
    /// <summary>The id a Hugging Face tokenizer puts before every text (Llama, Mistral, Gemma), or null.</summary>
    public int? BeginOfSentence { get; private init; }

    TokenizerSpec(string kind, int? vocabSize) => (Kind, VocabSize) = (kind, vocabSize);

    public ITokenizer Create() => Kind switch
    {
        IntegerKind => new IntegerTokenizer(VocabSize!.Value),
        Gpt2Kind => Gpt2Tokenizer.Instance,
        HuggingFaceBpeKind or SentencePieceKind => HfTokenizers.FromSpec(this),
        _ => throw new InvalidOperationException($"unknown tokenizer kind '{Kind}'"),
    };

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["kind"] = Kind };
        if (VocabSize is int v) json["vocab_size"] = v;
        if (File is not null) json["file"] = File;
        if (BeginOfSentence is int bos) json["bos"] = bos;
        return json;
    }

    public void Write(string path) =>
        System.IO.File.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>Reads a <c>tokenizer.json</c>; a bad one gives a <see cref="ModelFormatException"/> naming the file.</summary>
    public static TokenizerSpec Read(string path) => FromJson(Weights.ModelFiles.ReadJson(path, "file not found"), path);

    public static TokenizerSpec FromJson(JsonNode? node, string source)
    {
        if (node is not JsonObject json || json["kind"] is not JsonValue kindValue || !kindValue.TryGetValue(out string? kind))
            throw new ModelFormatException(source, "a tokenizer spec is an object with a \"kind\" (\"integer\" or \"gpt2\")");
        var unknown = json.Select(p => p.Key).Except(["kind", "vocab_size"]).ToList();
        if (unknown.Count > 0)
            throw new ModelFormatException(source, $"unknown tokenizer field(s): {string.Join(", ", unknown)}");
        switch (kind)
        {
            case Gpt2Kind:
                if (json.ContainsKey("vocab_size"))
                    throw new ModelFormatException(source, "the gpt2 tokenizer has a fixed vocabulary; remove \"vocab_size\"");
                return Gpt2;
            case IntegerKind:
                if (json["vocab_size"] is not JsonValue v || !v.TryGetValue(out int size) || size <= 0)
                    throw new ModelFormatException(source, "the integer tokenizer needs a positive integer \"vocab_size\"");
                return Integer(size);
            case HuggingFaceBpeKind or SentencePieceKind:
                throw new ModelFormatException(source, $"tokenizer kind '{kind}' is read from a Hugging Face folder's own tokenizer.json or tokenizer.model, not from a model folder's spec");
            default:
                throw new ModelFormatException(source, $"unknown tokenizer kind '{kind}' (expected \"integer\" or \"gpt2\")");
        }
    }
}
