using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// Sequences made of a random prefix of random length, repeated to the end. Because the period varies per
/// sequence, no head can predict by position alone: only induction (find the earlier occurrence of the current
/// token, copy what followed it) lowers the loss on the repeats.
/// </summary>
public sealed record RepeatedTokensTask(int VocabSize = 64, int Length = 48, int MinPrefix = 4, int MaxPrefix = 24)
{
    public const string Name = "repeated_tokens";

    /// <summary>The same <paramref name="count"/> examples for the same seed, on every machine.</summary>
    public IReadOnlyList<RepeatedTokensExample> Generate(int count, ulong seed)
    {
        if (MinPrefix < 2 || MaxPrefix < MinPrefix || MaxPrefix >= Length)
            throw new ArgumentException($"prefix lengths {MinPrefix}..{MaxPrefix} do not fit sequences of {Length} tokens");
        var random = new SplitMix64(seed);
        var examples = new RepeatedTokensExample[count];
        for (int i = 0; i < count; i++)
        {
            int prefix = random.NextInclusive(MinPrefix, MaxPrefix);
            var head = new int[prefix];
            for (int t = 0; t < prefix; t++) head[t] = random.Next(VocabSize);
            var tokens = new int[Length];
            for (int t = 0; t < Length; t++) tokens[t] = head[t % prefix];
            examples[i] = new RepeatedTokensExample(tokens, prefix);
        }
        return examples;
    }
}

/// <summary>One sequence and the facts a hypothesis about it needs.</summary>
public sealed class RepeatedTokensExample
{
    public RepeatedTokensExample(int[] tokens, int prefixLength)
    {
        Tokens = tokens;
        PrefixLength = prefixLength;
        PreviousOccurrence = new int[tokens.Length];
        var lastSeen = new Dictionary<int, int>();
        for (int p = 0; p < tokens.Length; p++)
        {
            PreviousOccurrence[p] = lastSeen.GetValueOrDefault(tokens[p], -1);
            lastSeen[tokens[p]] = p;
        }
    }

    public int[] Tokens { get; }
    /// <summary>The period: token t equals token t - PrefixLength from here on.</summary>
    public int PrefixLength { get; }
    /// <summary>For each position, the last earlier position holding the same token, or -1.</summary>
    public int[] PreviousOccurrence { get; }

    /// <summary>
    /// Whether the next token (at p + 1) can be read off an earlier occurrence: the current token has been
    /// seen one period back, and what followed it then recurs now.
    /// </summary>
    public bool IsRepeated(int p) => p >= PrefixLength && p + 1 < Tokens.Length;

    /// <summary>Whether the next token is a fresh random draw that no mechanism can predict (first period).</summary>
    public bool IsFirstOccurrence(int p) => p + 1 < PrefixLength;

    public IEnumerable<int> RepeatedPositions => Enumerable.Range(0, Tokens.Length).Where(IsRepeated);
    public IEnumerable<int> FirstOccurrencePositions => Enumerable.Range(0, Tokens.Length).Where(IsFirstOccurrence);
}
