using DiagnosticCatalog = CircuitDsl.Language.Diagnostics.DiagnosticCatalog;
using ExpressionLimitMessages = CircuitDsl.Language.Diagnostics.ExpressionLimitMessages;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>
/// Bounds an expression's size before anything recursive walks it. Roslyn's parser, binder and emitter recurse once
/// per nesting level, and a stack overflow cannot be caught: the process aborts. So the length is checked on the
/// text before parsing, the parse runs on a thread of known stack, and depth and member-access chains are measured
/// on the tree with an explicit stack (<see cref="ResourceLimits"/> holds the numbers).
/// </summary>
internal static class ExpressionSizeGuard
{
    public static SandboxDiagnostic? CheckLength(string text) =>
        text.Length <= ResourceLimits.MaxExpressionLength
            ? null
            : new(DiagnosticCatalog.ExpressionTooLong, ExpressionLimitMessages.TooLong(text.Length), 0, text.Length);

    /// <summary>
    /// Runs <paramref name="parse"/> on a thread of <see cref="ResourceLimits.ParserStackBytes"/>. Roslyn guards most
    /// of its recursion (CS8078), but not all: its tuple-type lookahead overflowed a 512 KB stack at 712 nested
    /// '(' (measured), and the threads callers give us may be that small.
    /// </summary>
    public static T OnParserStack<T>(Func<T> parse) => KnownStack.Run(ResourceLimits.ParserStackBytes, parse);

    /// <summary>
    /// The leftmost node one level past <see cref="ResourceLimits.MaxExpressionDepth"/> (each expression or pattern
    /// node is a level), else each member-access chain longer than <see cref="ResourceLimits.MaxCallChainLength"/>;
    /// spans are relative to <paramref name="root"/>'s text.
    /// </summary>
    public static IReadOnlyList<SandboxDiagnostic> CheckNesting(ExpressionSyntax root)
    {
        var diagnostics = new List<SandboxDiagnostic>();
        SyntaxNode? tooDeep = null;
        int offset = root.SpanStart;
        var pending = new Stack<Level>();
        pending.Push(new Level(root, Depth: 1, Chain: IsLink(root) ? 1 : 0, ChainStart: root));
        while (pending.TryPop(out var level))
        {
            foreach (var child in level.Node.ChildNodes())
            {
                int depth = level.Depth + (IsLevel(child) ? 1 : 0);
                if (depth > ResourceLimits.MaxExpressionDepth)
                {
                    if (tooDeep is null || child.SpanStart < tooDeep.SpanStart) tooDeep = child;
                    continue; // everything below is deeper still
                }

                var next = ContinuesChain(level.Node, child)
                    ? level with { Node = child, Depth = depth, Chain = level.Chain + (IsLink(child) ? 1 : 0) }
                    : new Level(child, depth, IsLink(child) ? 1 : 0, child);
                if (next.Chain == ResourceLimits.MaxCallChainLength + 1 && IsLink(child)) // once per chain
                    diagnostics.Add(new(DiagnosticCatalog.ExpressionTooDeep, ExpressionLimitMessages.ChainTooLong,
                        next.ChainStart.SpanStart - offset, next.ChainStart.Span.Length));
                pending.Push(next);
            }
        }
        return tooDeep is null
            ? diagnostics
            : [new(DiagnosticCatalog.ExpressionTooDeep, ExpressionLimitMessages.TooDeep, tooDeep.SpanStart - offset, tooDeep.Span.Length)];
    }

    /// <param name="ChainStart">The outermost node of the member-access chain <paramref name="Node"/> belongs to.</param>
    readonly record struct Level(SyntaxNode Node, int Depth, int Chain, SyntaxNode ChainStart);

    /// <summary>Types are expressions in Roslyn, so nested generic and tuple types count as well.</summary>
    static bool IsLevel(SyntaxNode node) => node is ExpressionSyntax or PatternSyntax;

    static bool IsLink(SyntaxNode node) => node is MemberAccessExpressionSyntax or MemberBindingExpressionSyntax;

    /// <summary>The receiver side of a chain (<c>a</c> in <c>a.b</c>, <c>a(...)</c>, <c>a[...]</c>, <c>a?.b</c>, <c>(a)</c>, <c>a!</c>); arguments start their own chains.</summary>
    static bool ContinuesChain(SyntaxNode parent, SyntaxNode child) => parent switch
    {
        MemberAccessExpressionSyntax member => child == member.Expression,
        InvocationExpressionSyntax invocation => child == invocation.Expression,
        ElementAccessExpressionSyntax element => child == element.Expression,
        ConditionalAccessExpressionSyntax conditional => child == conditional.Expression || child == conditional.WhenNotNull,
        ParenthesizedExpressionSyntax => true,
        PostfixUnaryExpressionSyntax suppressed => suppressed.IsKind(SyntaxKind.SuppressNullableWarningExpression),
        _ => false,
    };
}
