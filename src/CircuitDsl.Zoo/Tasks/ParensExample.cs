namespace CircuitDsl.Zoo.Tasks;

/// <summary>The features of a parenthesis string that Chan et al.'s hypotheses name.</summary>
public static class ParensFeatures
{
    public static bool EqualCount(IReadOnlyList<bool> opens) => opens.Count(o => o) * 2 == opens.Count;

    public static bool StartsOpen(IReadOnlyList<bool> opens) => opens.Count > 0 && opens[0];

    /// <summary>The horizon test: no prefix closes more brackets than it opened.</summary>
    public static bool NeverNegative(IReadOnlyList<bool> opens) => Nesting(opens).All(h => h >= 0);

    /// <summary>Opens minus closes up to and including each parenthesis.</summary>
    public static int[] Nesting(IReadOnlyList<bool> opens)
    {
        var nesting = new int[opens.Count];
        int height = 0;
        for (int t = 0; t < opens.Count; t++) nesting[t] = height += opens[t] ? 1 : -1;
        return nesting;
    }
}

/// <summary>One parenthesis string laid out as the model reads it, with its label and features.</summary>
public sealed class ParensExample
{
    public ParensExample(bool[] opens, int maxLength)
    {
        if (opens.Length == 0 || opens.Length > maxLength)
            throw new ArgumentException($"a parens example holds 1..{maxLength} parentheses, not {opens.Length}");
        Opens = opens;
        Tokens = new int[maxLength + 2];
        Array.Fill(Tokens, ParensTask.Pad);
        Tokens[0] = ParensTask.Start;
        for (int t = 0; t < opens.Length; t++) Tokens[1 + t] = opens[t] ? ParensTask.Open : ParensTask.Close;
        Tokens[^1] = ParensTask.End;
        Nesting = ParensFeatures.Nesting(opens);
    }

    /// <summary>The parentheses in order: true for <c>(</c>, false for <c>)</c>.</summary>
    public bool[] Opens { get; }
    /// <summary><c>&lt;start&gt;</c>, the parentheses (positions 1..n), padding, <c>&lt;end&gt;</c>.</summary>
    public int[] Tokens { get; }
    /// <summary>Opens minus closes up to and including parenthesis t (at token position t + 1).</summary>
    public int[] Nesting { get; }

    public bool EqualCount => ParensFeatures.EqualCount(Opens);
    public bool StartsOpen => ParensFeatures.StartsOpen(Opens);
    public bool NeverNegative => Nesting.All(h => h >= 0);
    public bool IsBalanced => EqualCount && NeverNegative;

    public int EndPosition => Tokens.Length - 1;
    public int Label => IsBalanced ? ParensTask.Balanced : ParensTask.Unbalanced;
    public int WrongLabel => IsBalanced ? ParensTask.Unbalanced : ParensTask.Balanced;

    /// <summary>Token positions of the parentheses whose nesting has gone below zero.</summary>
    public IEnumerable<int> NegativePositions => Enumerable.Range(0, Opens.Length).Where(t => Nesting[t] < 0).Select(t => t + 1);
    public IEnumerable<int> OpenPositions => Enumerable.Range(0, Opens.Length).Where(t => Opens[t]).Select(t => t + 1);
    public IEnumerable<int> ClosePositions => Enumerable.Range(0, Opens.Length).Where(t => !Opens[t]).Select(t => t + 1);

    public override string ToString() => new(Opens.Select(o => o ? '(' : ')').ToArray());
}
