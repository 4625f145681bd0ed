using System.Collections.Immutable;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// Base of every syntax node. Nodes are immutable records; <see cref="Span"/> covers the node's tokens
/// (no surrounding trivia). Equality of two trees ignoring spans is <see cref="SyntaxDump"/> equality.
/// </summary>
public abstract record SyntaxNode
{
    /// <summary>Where the node is in its file.</summary>
    public SourceSpan Span { get; init; }
}

/// <summary>A whole file: its statements in order.</summary>
public sealed record CompilationUnitSyntax(ImmutableArray<StatementSyntax> Statements) : SyntaxNode;

/// <summary>An identifier used as a name (declared or referenced).</summary>
public sealed record NameSyntax(string Text) : SyntaxNode
{
    /// <inheritdoc />
    public override string ToString() => Text;
}

/// <summary>A double-quoted string: <see cref="Value"/> is unescaped, <see cref="RawText"/> is as written.</summary>
public sealed record StringLiteralSyntax(string Value, string RawText) : SyntaxNode;

/// <summary>
/// A number as written (optionally negative); <see cref="Value"/> is its double value, finite (the parser refuses
/// others). Whole numbers are read exactly from <see cref="Text"/> with <see cref="WholeNumber"/>, never from the double.
/// </summary>
public sealed record NumberLiteralSyntax(string Text, double Value) : SyntaxNode
{
    /// <summary>Whether the literal is a whole number within <see cref="long"/>, and if so its exact value.</summary>
    public WholeNumberFit WholeNumber(out long value) => WholeNumbers.Read(Text, out value);
}

/// <summary>
/// A C# expression over one example, kept as the raw text the user wrote (trimmed) with its exact span.
/// The compiler type-checks it; the front end only finds its extent and the names it mentions.
/// </summary>
public sealed record ExpressionSyntax(string Text) : SyntaxNode
{
    /// <summary>True when the text is a single identifier, i.e. a reference to a <c>let</c> variable.</summary>
    public bool IsSimpleName =>
        Text.Length > 0 && Lexer.IsIdentifierStart(Text[0]) && Text.All(Lexer.IsIdentifierPart);
}

/// <summary>Span plumbing used by the parser.</summary>
internal static class SyntaxNodeSpans
{
    /// <summary>A copy of the node with another span (<c>with</c> clones the most derived record).</summary>
    public static T WithSpan<T>(this T node, SourceSpan span)
        where T : SyntaxNode => (T)(node with { Span = span });
}
