using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The token id of every word of the <c>ioi</c> task on one kind of model: the task's own integer ids, or GPT-2's BPE
/// ids of the words written as GPT-2 text. Either way one word is one token, so every prompt keeps
/// <see cref="IoiTemplates.PromptLength"/> tokens and the positions the word-level generator names (IO, S1, S2, END)
/// stay where it puts them.
/// </summary>
public sealed class IoiWordIds
{
    readonly IReadOnlyDictionary<string, int> ids;

    IoiWordIds(IReadOnlyDictionary<string, int> ids) => this.ids = ids;

    /// <summary>The task's own vocabulary: a word's id is its index in <see cref="IoiVocabulary.Words"/>.</summary>
    public static IoiWordIds Integer { get; } =
        new(IoiVocabulary.Words.ToDictionary(w => w, IoiVocabulary.Id, StringComparer.Ordinal));

    // Built (and checked) once per process: encoding the vocabulary parses GPT-2's BPE tables.
    static readonly Lazy<IoiWordIds> Gpt2Ids = new(() => FromText(Gpt2Tokenizer.Instance, IoiVocabulary.Words, Gpt2Text));

    /// <summary>GPT-2's ids; a <see cref="NotSupportedException"/> names any word that is not one GPT-2 token.</summary>
    public static IoiWordIds Gpt2 => Gpt2Ids.Value;

    /// <summary>
    /// A word as GPT-2 text: the BOS is <c>&lt;|endoftext|&gt;</c>, "," and "." attach to the word before them, and
    /// every other word follows a space, the first one too (" Afterwards" is one token, "Afterwards" two).
    /// </summary>
    public static string Gpt2Text(string word) => word switch
    {
        IoiVocabulary.Bos => "<|endoftext|>",
        "," or "." => word,
        _ => " " + word,
    };

    /// <summary>
    /// Encodes each word's <paramref name="text"/> on its own and requires exactly one token per word; otherwise a
    /// <see cref="NotSupportedException"/> lists every word that is not.
    /// </summary>
    public static IoiWordIds FromText(ITokenizer tokenizer, IEnumerable<string> words, Func<string, string> text)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var notOneToken = new List<string>();
        foreach (string word in words)
        {
            int[] tokens = tokenizer.EncodeContinuation(text(word)); // a word inside the template: no begin-of-sentence id
            if (tokens.Length == 1) ids[word] = tokens[0];
            else notOneToken.Add($"'{text(word)}' ({tokens.Length} tokens)");
        }
        if (notOneToken.Count > 0)
            throw new NotSupportedException(
                $"task '{IoiTask.Name}' needs every word to be one {tokenizer.Spec.Kind} token so that its positions stay fixed, but these are not: {string.Join(", ", notOneToken)}");
        return new IoiWordIds(ids);
    }

    public int Id(string word) =>
        ids.TryGetValue(word, out int id) ? id : throw new ArgumentException($"'{word}' is not a word of the ioi vocabulary");

    public int[] Encode(IEnumerable<string> words) => words.Select(Id).ToArray();
}
