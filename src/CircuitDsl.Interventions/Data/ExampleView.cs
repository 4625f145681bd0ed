namespace CircuitDsl.Interventions.Data;

/// <summary>
/// What a causal variable sees: one example, and for per-position variables the position it is evaluated at
/// (<c>x.Tokens[x.Pos - 1]</c>). These members are what the language reference (section 8) offers to causal
/// variables; <see cref="Answer"/> and <see cref="WrongAnswer"/> are the task's first and second answers.
/// </summary>
public readonly record struct ExampleView(Example Example, int Pos)
{
    public int[] Tokens => Example.Tokens;
    public int Length => Example.Length;
    public int? Answer => Example.Answer;
    public int? WrongAnswer => Example.WrongAnswer;
    public string? Group => Example.Group;

    /// <summary>The single position named <paramref name="name"/> (END, S2); an error if the name has several.</summary>
    public int Position(string name)
    {
        var all = Example.NamedPositions(name);
        return all.Length == 1 ? all[0] : throw new InvalidOperationException($"position '{name}' names {all.Length} positions in this example, not one");
    }

    /// <summary>True when <see cref="Pos"/> is one of the positions named <paramref name="name"/> (e.g. <c>repeated</c>).</summary>
    public bool IsAt(string name) => Array.IndexOf(Example.NamedPositions(name), Pos) >= 0;

    /// <summary>The last earlier position holding the same token as <paramref name="pos"/>, or -1.</summary>
    public int PrevOccurrence(int pos)
    {
        for (int p = pos - 1; p >= 0; p--)
            if (Tokens[p] == Tokens[pos]) return p;
        return -1;
    }
}
