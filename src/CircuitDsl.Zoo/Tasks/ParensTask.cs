using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// Balanced-parentheses classification (the paren balancer of Chan et al. 2022), for a causal model: a sequence is
/// <c>&lt;start&gt;</c>, 1..<see cref="Length"/> parentheses, <c>&lt;pad&gt;</c> up to the fixed size, then
/// <c>&lt;end&gt;</c>, where the model answers <c>balanced</c> or <c>unbalanced</c>. Half the sequences are
/// balanced (uniform among balanced strings of their length); the other half are split evenly among three kinds of
/// unbalanced string, so that the features Chan et al. name (equal counts, starts with an open bracket, nesting
/// never negative) are not perfectly correlated and a hypothesis can tell them apart.
/// </summary>
/// <param name="Length">The most parentheses a sequence holds (Chan et al.: 40).</param>
public sealed record ParensTask(int Length = 40)
{
    public const string Name = "parens";

    /// <summary>Token ids: a token's id is its index here.</summary>
    public static readonly IReadOnlyList<string> Vocabulary = ["<start>", "(", ")", "<pad>", "<end>", "balanced", "unbalanced"];
    public const int Start = 0, Open = 1, Close = 2, Pad = 3, End = 4, Balanced = 5, Unbalanced = 6;
    public static int VocabSize => Vocabulary.Count;

    /// <summary>Tokens around the parentheses: <c>&lt;start&gt;</c> and <c>&lt;end&gt;</c>.</summary>
    public const int Markers = 2;

    /// <summary>Every sequence: <c>&lt;start&gt;</c>, the parentheses and padding, <c>&lt;end&gt;</c>.</summary>
    public int SequenceLength => Length + Markers;

    /// <summary>The same <paramref name="count"/> examples for the same seed, on every machine.</summary>
    public IReadOnlyList<ParensExample> Generate(int count, ulong seed)
    {
        // Doubles count balanced completions exactly enough, and overflow past ~1000 steps.
        if (Length < 2 || Length > 1000) throw new ArgumentException($"parens length must be 2..1000 parentheses, not {Length}");
        var completions = BalancedCompletions(Length);
        var random = new SplitMix64(seed);
        var examples = new ParensExample[count];
        for (int i = 0; i < count; i++)
        {
            bool[] opens = random.Next(6) switch
            {
                < 3 => BalancedString(random, completions),
                3 => EqualCountsGoingNegative(random),
                4 => UnequalCounts(random),
                _ => NeverNegativeLeftOpen(random),
            };
            examples[i] = new ParensExample(opens, Length);
        }
        return examples;
    }

    int EvenLength(SplitMix64 random) => 2 * random.NextInclusive(1, Length / 2);

    /// <summary>Built one step at a time, each step weighted by how many balanced strings it can still end in.</summary>
    bool[] BalancedString(SplitMix64 random, double[,] completions)
    {
        int n = EvenLength(random);
        var opens = new bool[n];
        int height = 0;
        for (int step = 0; step < n; step++)
        {
            int left = n - step;
            double viaOpen = completions[left - 1, height + 1];
            opens[step] = NextDouble(random) * completions[left, height] < viaOpen;
            height += opens[step] ? 1 : -1;
        }
        return opens;
    }

    /// <summary>As many closes as opens, but some prefix closes more than it opened (fails only the horizon test).</summary>
    bool[] EqualCountsGoingNegative(SplitMix64 random)
    {
        int n = EvenLength(random);
        while (true)
        {
            var opens = new bool[n];
            for (int t = 0; t < n / 2; t++) opens[t] = true;
            for (int t = n - 1; t > 0; t--)
            {
                int j = random.Next(t + 1);
                (opens[t], opens[j]) = (opens[j], opens[t]);
            }
            if (!ParensFeatures.NeverNegative(opens)) return opens;
        }
    }

    /// <summary>Fair coin flips with unequal counts (most also go negative somewhere).</summary>
    bool[] UnequalCounts(SplitMix64 random)
    {
        int n = random.NextInclusive(1, Length);
        while (true)
        {
            var opens = new bool[n];
            for (int t = 0; t < n; t++) opens[t] = random.Next(2) == 1;
            if (!ParensFeatures.EqualCount(opens)) return opens;
        }
    }

    /// <summary>Nesting never below zero, but brackets left open at the end (fails only the count test).</summary>
    bool[] NeverNegativeLeftOpen(SplitMix64 random)
    {
        int n = random.NextInclusive(1, Length);
        while (true)
        {
            var opens = new bool[n];
            int height = 0;
            for (int t = 0; t < n; t++)
            {
                opens[t] = height == 0 || random.Next(2) == 1;
                height += opens[t] ? 1 : -1;
            }
            if (height > 0) return opens;
        }
    }

    /// <summary>[steps left, height]: how many ways to return to zero in exactly that many steps without going below it.</summary>
    static double[,] BalancedCompletions(int length)
    {
        var ways = new double[length + 1, length + 2];
        ways[0, 0] = 1;
        for (int left = 1; left <= length; left++)
            for (int h = 0; h <= length; h++)
                ways[left, h] = ways[left - 1, h + 1] + (h > 0 ? ways[left - 1, h - 1] : 0);
        return ways;
    }

    static double NextDouble(SplitMix64 random) => (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
