using System.Collections.Immutable;

namespace CircuitDsl.Language.Syntax;

/// <summary>A line-level construct: a top-level declaration, a hypothesis member or a node's input clause.</summary>
public abstract record StatementSyntax : SyntaxNode;

/// <summary><c>import "path.circuit"</c>: shares the other file's let and group declarations.</summary>
public sealed record ImportSyntax(StringLiteralSyntax Path) : StatementSyntax;

/// <summary><c>let name = C# expression</c>: a causal variable, a function of one example.</summary>
public sealed record LetSyntax(NameSyntax Name, ExpressionSyntax Expression) : StatementSyntax;

/// <summary><c>group name = L1.H0, L1.H1</c>: components that share a role.</summary>
public sealed record GroupSyntax(NameSyntax Name, ImmutableArray<ComponentSyntax> Components) : StatementSyntax;

/// <summary>
/// <c>hypothesis name "description" { members }</c>. <see cref="IsClosed"/> is false when the closing brace is
/// missing (the parser has reported it).
/// </summary>
public sealed record HypothesisSyntax(
    NameSyntax Name,
    StringLiteralSyntax? Description,
    ImmutableArray<StatementSyntax> Members,
    bool IsClosed) : StatementSyntax;

/// <summary>
/// <c>node name = components [at P] [computes EXPR]</c> followed by its input clauses: an interpretation-graph
/// node mapped to components, with the causal variable it computes.
/// </summary>
public sealed record NodeSyntax(
    NameSyntax Name,
    ImmutableArray<ComponentSyntax> Components,
    AtClauseSyntax? At,
    ExpressionSyntax? Computes,
    ImmutableArray<InputClauseSyntax> Inputs) : StatementSyntax;

/// <summary>
/// <c>[q|k|v] from SOURCES [at P] [agreeing on EXPR]</c>: an edge of the interpretation graph. The sources are a
/// node name or components (an anonymous node); <see cref="Channel"/> is <see cref="Channel.Output"/> for a plain
/// <c>from</c>, which means the whole input (all of q, k and v for a head).
/// </summary>
public sealed record InputClauseSyntax(
    Channel Channel,
    ImmutableArray<ComponentSyntax> Sources,
    AtClauseSyntax? At,
    ExpressionSyntax? AgreeingOn) : StatementSyntax;

/// <summary><c>unimportant components</c>: an explicit claim that these components do not matter.</summary>
public sealed record UnimportantSyntax(ImmutableArray<ComponentSyntax> Components) : StatementSyntax;

/// <summary>One step of a path: components with optional positions.</summary>
public sealed record HopSyntax(ImmutableArray<ComponentSyntax> Components, AtClauseSyntax? At) : SyntaxNode;

/// <summary><c>A -> B.k -> logits</c>: a chain of components through the residual stream.</summary>
public sealed record PathSyntax(ImmutableArray<HopSyntax> Hops) : SyntaxNode;

/// <summary>
/// <c>expect SUBJECT STATISTIC OP NUMBER[%]</c>, e.g. <c>expect scrub recovers >= 0.9</c> or
/// <c>expect path L0.H0 -> L1.H0.k -> logits effect &lt;= -0.5</c>.
/// </summary>
public sealed record ExpectSyntax(
    ExpectationSubject Subject,
    PathSyntax? Path,
    Statistic Statistic,
    ComparisonOperator Operator,
    NumberLiteralSyntax Threshold,
    bool IsPercent) : StatementSyntax;

/// <summary>Text that the parser skipped while recovering from a syntax error.</summary>
public sealed record SkippedSyntax(string Text) : StatementSyntax;
