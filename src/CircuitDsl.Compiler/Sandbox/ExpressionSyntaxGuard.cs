using CircuitDsl.Compiler.Roslyn;
using DiagnosticCatalog = CircuitDsl.Language.Diagnostics.DiagnosticCatalog;
using ExpressionLimitMessages = CircuitDsl.Language.Diagnostics.ExpressionLimitMessages;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>
/// Syntax-level checks on an embedded expression, before any binding: exactly one expression, nothing that could
/// close the generated code around it (comments, directives, trailing tokens), and no construct that has no
/// business in a function of one example.
/// </summary>
internal static class ExpressionSyntaxGuard
{
    /// <summary>Lambdas inside lambdas cost length^depth; two levels cover every variable we have needed.</summary>
    public const int MaxLambdaDepth = ResourceLimits.MaxLambdaDepth;

    /// <summary>Roslyn's "expression too long or complex to compile", where its own stack guard stopped the parse.</summary>
    const string RoslynTooComplex = "CS8078";

    static readonly Dictionary<SyntaxKind, string> Forbidden = new()
    {
        [SyntaxKind.PointerType] = "pointer types",
        [SyntaxKind.FunctionPointerType] = "function pointers",
        [SyntaxKind.StackAllocArrayCreationExpression] = "stackalloc",
        [SyntaxKind.ImplicitStackAllocArrayCreationExpression] = "stackalloc",
        [SyntaxKind.ArgListExpression] = "__arglist",
        [SyntaxKind.MakeRefExpression] = "__makeref",
        [SyntaxKind.RefValueExpression] = "__refvalue",
        [SyntaxKind.RefTypeExpression] = "__reftype",
        [SyntaxKind.RefExpression] = "ref expressions",
        [SyntaxKind.TypeOfExpression] = "typeof",
        [SyntaxKind.SizeOfExpression] = "sizeof",
        [SyntaxKind.AliasQualifiedName] = "alias-qualified names (global::, extern aliases)",
        [SyntaxKind.AnonymousMethodExpression] = "anonymous methods",
        [SyntaxKind.AnonymousObjectCreationExpression] = "anonymous types (use a tuple)",
        [SyntaxKind.QueryExpression] = "query syntax (use method calls such as x.Tokens.Count(t => t == 3))",
        [SyntaxKind.AwaitExpression] = "await",
        [SyntaxKind.ThrowExpression] = "throw",
        [SyntaxKind.SwitchStatement] = "statements",
        [SyntaxKind.CollectionExpression] = "collection expressions",
    };

    public static (ExpressionSyntax? Expression, IReadOnlyList<SandboxDiagnostic> Diagnostics) Parse(string text)
    {
        var diagnostics = new List<SandboxDiagnostic>();
        if (string.IsNullOrWhiteSpace(text))
            return (null, [new(CompilerDiagnostics.NotAnExpression, "an expression is required here", 0, text.Length)]);

        if (ExpressionSizeGuard.CheckLength(text) is { } tooLong) return (null, [tooLong]);

        var expression = ExpressionSizeGuard.OnParserStack(() =>
            SyntaxFactory.ParseExpression(text, options: CSharpDialect.ParseOptions, consumeFullText: true));
        foreach (var error in expression.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error))
            diagnostics.Add(error.Id == RoslynTooComplex
                ? new(DiagnosticCatalog.ExpressionTooDeep, ExpressionLimitMessages.TooDeep, error.Location.SourceSpan.Start, error.Location.SourceSpan.Length)
                : new(CompilerDiagnostics.NotAnExpression, $"not a single C# expression: {error.GetMessage()} ({error.Id})",
                    error.Location.SourceSpan.Start, error.Location.SourceSpan.Length));
        if (diagnostics.Count > 0) return (null, diagnostics);

        var tooDeep = ExpressionSizeGuard.CheckNesting(expression);
        if (tooDeep.Count > 0) return (null, tooDeep); // an expression this size needs no further findings

        foreach (var trivia in expression.DescendantTrivia(descendIntoTrivia: true))
            if (!trivia.IsKind(SyntaxKind.WhitespaceTrivia) && !trivia.IsKind(SyntaxKind.EndOfLineTrivia))
                diagnostics.Add(new(CompilerDiagnostics.ForbiddenSyntax,
                    $"{Describe(trivia)} is not allowed inside an expression", trivia.Span.Start, trivia.Span.Length));

        foreach (var token in expression.DescendantTokens())
            if (token.IsKind(SyntaxKind.IdentifierToken) && token.Text != token.ValueText)
                diagnostics.Add(new(CompilerDiagnostics.ForbiddenSyntax,
                    $"identifier '{token.Text}' must be written plainly (no unicode escapes or '@')", token.Span.Start, token.Span.Length));

        foreach (var node in expression.DescendantNodesAndSelf())
        {
            if (Forbidden.TryGetValue(node.Kind(), out var what) || node is StatementSyntax && (what = "statements") is not null
                || IsMutation(node) && (what = "assignments and ++/-- (a variable reads the example, never changes it)") is not null)
                diagnostics.Add(new(CompilerDiagnostics.ForbiddenSyntax, $"{what} are not allowed in a causal variable", node.Span.Start, node.Span.Length));
            if (node is LambdaExpressionSyntax lambda && node.Ancestors().OfType<LambdaExpressionSyntax>().Count() >= MaxLambdaDepth)
                diagnostics.Add(new(CompilerDiagnostics.LambdaTooDeep,
                    $"lambdas may nest at most {MaxLambdaDepth} deep (each level multiplies the cost by the sequence length)", lambda.Span.Start, lambda.Span.Length));
        }
        return (diagnostics.Count == 0 ? expression : null, diagnostics);
    }

    /// <summary>The context hands out the example's own arrays (x.Tokens), so writing through them would corrupt the data.</summary>
    static bool IsMutation(SyntaxNode node) =>
        node is AssignmentExpressionSyntax
        || node.Kind() is SyntaxKind.PreIncrementExpression or SyntaxKind.PreDecrementExpression
            or SyntaxKind.PostIncrementExpression or SyntaxKind.PostDecrementExpression;

    static string Describe(SyntaxTrivia trivia) => trivia.Kind() switch
    {
        SyntaxKind.SingleLineCommentTrivia or SyntaxKind.MultiLineCommentTrivia => "a comment",
        SyntaxKind.SingleLineDocumentationCommentTrivia or SyntaxKind.MultiLineDocumentationCommentTrivia => "a comment",
        SyntaxKind.DisabledTextTrivia => "disabled text",
        SyntaxKind.SkippedTokensTrivia => "skipped text",
        _ when trivia.IsDirective => "a preprocessor directive",
        _ => $"'{trivia.Kind()}'",
    };
}
