using System.Text;
using Microsoft.ML.Tokenizers;

namespace CircuitDsl.Runtime.Tokenization;

/// <summary>
/// A Hugging Face folder's tokenizer (byte-level BPE from tokenizer.json, or SentencePiece from tokenizer.model),
/// built with Microsoft.ML.Tokenizers, with the family's convention for the first token: Llama, Mistral and Gemma
/// put their BOS id before the text; Qwen2 and GPT-NeoX put nothing.
/// </summary>
public sealed class HfTokenizer : ITokenizer
{
    readonly Tokenizer inner;
    readonly bool nfc;
    readonly bool prefixSpace;
    readonly Func<string, IReadOnlyList<int>> encode;

    /// <param name="encode">Text → ids without the BOS; null: <paramref name="inner"/>'s own encoding.</param>
    internal HfTokenizer(Tokenizer inner, TokenizerSpec spec, int vocabSize, bool nfc = false, bool prefixSpace = false,
        Func<string, IReadOnlyList<int>>? encode = null)
    {
        (this.inner, Spec, VocabSize, this.nfc, this.prefixSpace) = (inner, spec, vocabSize, nfc, prefixSpace);
        this.encode = encode ?? (text => inner.EncodeToIds(text));
    }

    public TokenizerSpec Spec { get; }
    public int VocabSize { get; }
    /// <summary>The id put before every encoded text, or null.</summary>
    public int? BeginOfSentence => Spec.BeginOfSentence;

    public int[] Encode(string text)
    {
        var ids = EncodeContinuation(text);
        return BeginOfSentence is int bos ? [bos, .. ids] : ids;
    }

    public int[] EncodeContinuation(string text)
    {
        if (nfc) text = text.Normalize(NormalizationForm.FormC);
        if (prefixSpace && !text.StartsWith(' ')) text = " " + text;
        return [.. encode(text)];
    }

    public string Decode(IEnumerable<int> ids)
    {
        var list = ids.ToList();
        for (int i = 0; i < list.Count; i++)
            if (list[i] < 0 || list[i] >= VocabSize)
                throw new TokenizationException($"token id {list[i]} (position {i}) is outside the tokenizer's vocabulary 0..{VocabSize - 1}");
        return inner.Decode(list) ?? "";
    }
}
