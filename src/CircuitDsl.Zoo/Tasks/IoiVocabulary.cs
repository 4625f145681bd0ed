namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The word-level vocabulary of the <c>ioi</c> task: every word is one token, and a word's token id is its index in
/// <see cref="Words"/> (0 is <c>&lt;bos&gt;</c>, then the names, places, objects and the templates' other words).
/// A model trained on the task reads these ids directly, so the order is fixed: append, never reorder.
/// </summary>
public static class IoiVocabulary
{
    public const string Bos = "<bos>";

    public static readonly IReadOnlyList<string> Names =
    [
        "Mary", "John", "Alice", "Bob", "Sarah", "Tom", "Anna", "James", "Emma", "David",
        "Laura", "Michael", "Kate", "Paul", "Lisa", "Mark", "Julia", "Peter", "Rose", "Daniel",
    ];

    public static readonly IReadOnlyList<string> Places =
        ["store", "garden", "school", "park", "station", "restaurant", "office", "hospital"];

    public static readonly IReadOnlyList<string> Objects =
        ["drink", "ring", "book", "ball", "apple", "letter", "necklace", "bone"];

    /// <summary>The words of <see cref="IoiTemplates"/> that are not slots.</summary>
    public static readonly IReadOnlyList<string> Fillers =
        ["Then", ",", "and", "went", "to", "the", ".", "gave", "a", "When", "got", "at", "it", "Afterwards", "handed"];

    public static readonly IReadOnlyList<string> Words = [Bos, .. Names, .. Places, .. Objects, .. Fillers];

    static readonly Dictionary<string, int> Ids = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);

    /// <summary>The number of token ids the task uses; a model needs at least this vocabulary.</summary>
    public static int Size => Words.Count;

    public static int Id(string word) =>
        Ids.TryGetValue(word, out int id) ? id : throw new ArgumentException($"'{word}' is not a word of the ioi vocabulary");

    public static string Word(int id) => Words[id];
}
