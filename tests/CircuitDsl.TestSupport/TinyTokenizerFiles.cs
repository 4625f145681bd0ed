using System.Text;
using System.Text.Json.Nodes;

namespace CircuitDsl.TestSupport;

/// <summary>
/// Tiny tokenizer files written the way Hugging Face and SentencePiece write them: a byte-level BPE tokenizer.json
/// (256 byte tokens, then one token per merge) and a SentencePiece BPE model proto encoded by hand.
/// </summary>
public static class TinyTokenizerFiles
{
    /// <summary>Llama-3's split regex (Qwen2's splits digits singly).</summary>
    public const string Llama3Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The merges of the tiny BPE: "hello" and " world" become one token each.</summary>
    public static readonly string[] Merges = ["h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d"];

    /// <summary>GPT-2's byte → printable character map (bytes that are printable stand for themselves).</summary>
    public static char ByteChar(int b)
    {
        static bool Printable(int x) => x is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
        if (Printable(b)) return (char)b;
        int n = 0;
        for (int x = 0; x < b; x++) if (!Printable(x)) n++;
        return (char)(256 + n);
    }

    /// <summary>The id of a token of the tiny BPE (bytes 0..255 by byte value, merges after them in order).</summary>
    public static int Id(string token)
    {
        if (token.Length == 1) for (int b = 0; b < 256; b++) if (ByteChar(b) == token[0]) return b;
        int i = Array.FindIndex(Merges, m => m.Replace(" ", "") == token);
        return i >= 0 ? 256 + i : throw new ArgumentException($"no token '{token}'");
    }

    /// <summary>
    /// A byte-level BPE tokenizer.json. <paramref name="style"/> "neox": ByteLevel with GPT-2's regex; "llama3": a Split
    /// on Llama-3's regex then ByteLevel; "qwen2": the same with an NFC normaliser. Added tokens follow the merges.
    /// </summary>
    public static JsonObject ByteLevelJson(string style, params string[] added)
    {
        var vocab = new JsonObject();
        for (int b = 0; b < 256; b++) vocab[ByteChar(b).ToString()] = b;
        for (int i = 0; i < Merges.Length; i++) vocab[Merges[i].Replace(" ", "")] = 256 + i;
        JsonNode pre = style == "neox"
            ? new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true }
            : new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = Llama3Pattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            };
        var addedTokens = new JsonArray();
        for (int i = 0; i < added.Length; i++)
            addedTokens.Add(new JsonObject { ["id"] = 256 + Merges.Length + i, ["content"] = added[i], ["special"] = true, ["normalized"] = false });
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = addedTokens,
            ["normalizer"] = style == "qwen2" ? new JsonObject { ["type"] = "NFC" } : null,
            ["pre_tokenizer"] = pre,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel" },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["byte_fallback"] = false, ["ignore_merges"] = style != "neox",
                ["vocab"] = vocab,
                // Newer tokenizers write merges as pairs; older as "a b" strings.
                ["merges"] = style == "llama3"
                    ? new JsonArray([.. Merges.Select(m => (JsonNode)new JsonArray(m.Split(' ')[0], m.Split(' ')[1]))])
                    : new JsonArray([.. Merges.Select(m => (JsonNode)m)]),
            },
        };
    }

    /// <summary>The pieces of the tiny SentencePiece BPE model, by id: &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, normal pieces, then one user-defined piece (as Gemma's).</summary>
    public static readonly string[] Pieces =
        ["<unk>", "<s>", "</s>", "▁", "h", "e", "l", "o", "w", "r", "d", "he", "ll", "hell", "hello", "▁hello", "or", "▁w", "▁wor", "▁worl", "▁world", "<start_of_turn>"];

    /// <summary>A SentencePiece model proto (model_type BPE) with <see cref="Pieces"/>, ids unk 0, bos 1, eos 2 (Llama-2's; Gemma's bos is 2).</summary>
    public static byte[] SentencePieceModel()
    {
        var model = new MemoryStream();
        for (int i = 0; i < Pieces.Length; i++)
        {
            var piece = new MemoryStream();
            String(piece, 1, Pieces[i]);
            Tag(piece, 2, 5);
            // Later (longer) pieces merge first: a piece's score is what BPE ranks merges by.
            piece.Write(BitConverter.GetBytes(i < 3 ? 0f : i));
            Varint(piece, 3, i switch { 0 => 2, 1 or 2 => 3, _ when Pieces[i].StartsWith('<') => 4, _ => 1 }); // UNKNOWN, CONTROL, USER_DEFINED, NORMAL
            Message(model, 1, piece.ToArray());
        }
        var trainer = new MemoryStream();
        Varint(trainer, 3, 2); // model_type BPE
        Varint(trainer, 4, Pieces.Length);
        Varint(trainer, 40, 0); // unk_id
        Varint(trainer, 41, 1); // bos_id
        Varint(trainer, 42, 2); // eos_id
        Varint(trainer, 43, -1); // pad_id
        Message(model, 2, trainer.ToArray());
        var normalizer = new MemoryStream();
        String(normalizer, 1, "identity");
        Varint(normalizer, 3, 1); // add_dummy_prefix
        Varint(normalizer, 4, 0); // remove_extra_whitespaces
        Varint(normalizer, 5, 1); // escape_whitespaces
        Message(model, 3, normalizer.ToArray());
        return model.ToArray();
    }

    static void Tag(Stream s, int field, int wireType) => Raw(s, (ulong)((field << 3) | wireType));

    static void Varint(Stream s, int field, long value)
    {
        Tag(s, field, 0);
        Raw(s, unchecked((ulong)value));
    }

    static void String(Stream s, int field, string value) => Message(s, field, Encoding.UTF8.GetBytes(value));

    static void Message(Stream s, int field, byte[] bytes)
    {
        Tag(s, field, 2);
        Raw(s, (ulong)bytes.Length);
        s.Write(bytes);
    }

    static void Raw(Stream s, ulong v)
    {
        while (v >= 0x80)
        {
            s.WriteByte((byte)(v | 0x80));
            v >>= 7;
        }
        s.WriteByte((byte)v);
    }
}
