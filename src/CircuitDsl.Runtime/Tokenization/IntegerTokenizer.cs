using System.Globalization;

namespace CircuitDsl.Runtime.Tokenization;

/// <summary>
/// The zoo's tokenizer: the text is the token ids themselves, separated by white space ("3 17 5"),
/// so that synthetic tasks need no vocabulary file.
/// </summary>
public sealed class IntegerTokenizer : ITokenizer
{
    public IntegerTokenizer(int vocabSize)
    {
        if (vocabSize <= 0) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "vocab size must be positive");
        VocabSize = vocabSize;
    }

    public int VocabSize { get; }
    public TokenizerSpec Spec => TokenizerSpec.Integer(VocabSize);

    public int[] Encode(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var ids = new int[words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            if (!int.TryParse(words[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ids[i]))
                throw new TokenizationException(
                    $"'{words[i]}' (word {i + 1}) is not a token id: this model's text is space-separated integers in 0..{VocabSize - 1}");
            CheckInRange(ids[i], $"word {i + 1}");
        }
        return ids;
    }

    public string Decode(IEnumerable<int> ids)
    {
        var list = ids.ToList();
        for (int i = 0; i < list.Count; i++) CheckInRange(list[i], $"position {i}");
        return string.Join(' ', list.Select(id => id.ToString(CultureInfo.InvariantCulture)));
    }

    void CheckInRange(int id, string where)
    {
        if (id < 0 || id >= VocabSize)
            throw new TokenizationException($"token id {id} ({where}) is outside the vocabulary 0..{VocabSize - 1}");
    }
}
