namespace CircuitDsl.Compiler.Tests.Sandbox;

/// <summary>A stand-in for the engine's example context: what an expression may read.</summary>
public sealed class TestExample
{
    public int[] Tokens { get; init; } = [3, 1, 4, 1, 5, 9, 2, 6];
    public int Pos { get; init; } = 3;
    public string Text { get; init; } = "the cat sat";
    public TestLabel Label { get; init; } = TestLabel.Balanced;

    public int PrevOccurrence(int position)
    {
        for (int p = position - 1; p >= 0; p--)
            if (Tokens[p] == Tokens[position]) return p;
        return -1;
    }
}

public enum TestLabel { Balanced, Unbalanced }
