using System.Collections.Immutable;

namespace CircuitDsl.Language.Syntax;

/// <summary>One item of an <c>at</c> list.</summary>
public abstract record PositionSyntax : SyntaxNode;

/// <summary><c>all</c>: every position.</summary>
public sealed record AllPositionsSyntax : PositionSyntax;

/// <summary>A fixed index; negative counts from the end (<c>-1</c> is the last position).</summary>
public sealed record IndexPositionSyntax(string Text, long Index) : PositionSyntax;

/// <summary>
/// A position the task names per example, with an optional offset: <c>END</c>, <c>S1+1</c>. <see cref="OffsetText"/>
/// is the offset as written (<c>+1</c>, <c>-02</c>; empty without one), which the formatter keeps.
/// </summary>
public sealed record NamedPositionSyntax(NameSyntax Name, int Offset, string OffsetText = "") : PositionSyntax;

/// <summary><c>at P, Q, ...</c>.</summary>
public sealed record AtClauseSyntax(ImmutableArray<PositionSyntax> Positions) : SyntaxNode;
