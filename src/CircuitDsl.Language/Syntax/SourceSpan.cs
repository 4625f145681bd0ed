namespace CircuitDsl.Language.Syntax;

/// <summary>
/// Where a piece of syntax sits in a file: a 0-based character offset and length, plus the 1-based
/// line and column of its start (computed once, when the span is made, so consumers never need the text).
/// </summary>
public readonly record struct SourceSpan(string File, int Offset, int Length, int Line, int Column)
{
    /// <summary>The offset just past the span.</summary>
    public int End => Offset + Length;

    /// <summary>A span for things that come from no file (defaults, built-ins).</summary>
    public static SourceSpan None { get; } = new(string.Empty, 0, 0, 0, 0);

    /// <inheritdoc />
    public override string ToString() => $"{File}:{Line}:{Column}";
}
