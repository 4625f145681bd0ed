using CircuitDsl.Compiler.Roslyn;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>What the sandbox concluded about one expression.</summary>
/// <param name="ResultType">The inferred C# type, fully qualified (null when refused).</param>
public sealed record SandboxResult(string? ResultType, IReadOnlyList<SandboxDiagnostic> Diagnostics)
{
    public bool Allowed => Diagnostics.Count == 0;
}

/// <summary>
/// Checks causal-variable expressions, the only user C# a <c>.circuit</c> file carries. A file from an untrusted
/// pull request runs in CI, so every type and member an expression reaches is checked on Roslyn's semantic model
/// against <see cref="SandboxAllowlist"/>. The expression sees one parameter (the example context) and nothing else.
/// </summary>
public sealed class ExpressionSandbox
{
    readonly Type contextType;
    readonly string parameterName;
    readonly SandboxAllowlist allowlist;
    readonly CSharpCompilation baseCompilation;

    /// <param name="contextType">The type of the example an expression is a function of.</param>
    /// <param name="contextTypes">Further types the context exposes (its own records and enums) that expressions may use.</param>
    public ExpressionSandbox(Type contextType, string parameterName = "x", IEnumerable<Type>? contextTypes = null)
    {
        this.contextType = contextType;
        this.parameterName = parameterName;
        var allowed = new[] { contextType }.Concat(contextTypes ?? []).Select(t => t.FullName ?? t.Name).ToHashSet();
        allowlist = new SandboxAllowlist(allowed);
        baseCompilation = CSharpCompilation.Create("CircuitDsl.SandboxCheck",
            references: References.For(contextType),
            options: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: false, nullableContextOptions: NullableContextOptions.Enable));
    }

    /// <summary>The namespaces an expression sees unqualified (Math, LINQ); generated code must open the same ones.</summary>
    public const string Usings = "using System; using System.Linq;";

    /// <param name="variables">Other causal variables the expression uses by name, with their (already checked) C# types.</param>
    public SandboxResult Check(string text, IReadOnlyDictionary<string, string>? variables = null)
    {
        var (expression, syntaxDiagnostics) = ExpressionSyntaxGuard.Parse(text);
        if (expression is null) return new(null, syntaxDiagnostics);

        // The expression was parsed alone and holds no comments, directives or trailing text, so placing its
        // text after the prefix cannot reach outside it. Other variables arrive as parameters of their own types.
        string parameters = string.Concat((variables ?? new Dictionary<string, string>()).OrderBy(v => v.Key, StringComparer.Ordinal)
            .Select(v => $", {v.Value} {v.Key}"));
        string prefix = $"{Usings} static class __CircuitCheck {{ static void __Evaluate({TypeName(contextType)} {parameterName}{parameters}) {{ var __result = ";
        var tree = CSharpSyntaxTree.ParseText(prefix + expression.ToFullString() + "; } }",
            CSharpDialect.ParseOptions);
        var compilation = baseCompilation.AddSyntaxTrees(tree);
        var model = compilation.GetSemanticModel(tree);
        var placed = tree.GetRoot().DescendantNodes().OfType<EqualsValueClauseSyntax>().First().Value;
        int offset = placed.SpanStart;

        var diagnostics = new List<SandboxDiagnostic>();
        foreach (var error in compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree == tree))
        {
            var span = error.Location.SourceSpan;
            if (!placed.Span.Contains(span)) continue;
            diagnostics.Add(new(CompilerDiagnostics.CSharpError, $"{error.Id}: {error.GetMessage()}", span.Start - offset, span.Length));
        }
        if (diagnostics.Count > 0) return new(null, diagnostics);

        foreach (var node in placed.DescendantNodesAndSelf())
            CheckNode(node, model, offset, diagnostics);

        var resultType = model.GetTypeInfo(placed).Type;
        if (diagnostics.Count == 0 && (resultType is null || !IsComparableByValue(resultType)))
            diagnostics.Add(new(CompilerDiagnostics.ResultNotComparable,
                $"a causal variable must be a value that compares by value (bool, number, char, string, enum or a tuple of them); this one is '{resultType?.ToDisplayString() ?? "unknown"}'",
                0, text.Length));
        return diagnostics.Count == 0
            ? new(resultType!.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), diagnostics)
            : new(null, Deduplicate(diagnostics));
    }

    void CheckNode(SyntaxNode node, SemanticModel model, int offset, List<SandboxDiagnostic> diagnostics)
    {
        void Refuse(string what) =>
            diagnostics.Add(new(CompilerDiagnostics.ForbiddenSymbol, $"{what} is not allowed in a causal variable (see the sandbox allowlist)", node.SpanStart - offset, node.Span.Length));

        var symbol = model.GetSymbolInfo(node).Symbol;
        if (symbol is not null && !allowlist.IsAllowedSymbol(symbol))
            Refuse(AllocationRules.WhyNotListed(symbol) is { } why ? $"'{symbol.ToDisplayString()}' ({why})" : $"'{symbol.ToDisplayString()}'");
        if (AllocationRules.Refusal(node, model) is { } allocation)
            diagnostics.Add(new(CompilerDiagnostics.ForbiddenSymbol, allocation, node.SpanStart - offset, node.Span.Length));
        if (node is ExpressionSyntax and not LambdaExpressionSyntax and not OmittedArraySizeExpressionSyntax) // the empty size in new int[] { 1 } has no type
        {
            var info = model.GetTypeInfo(node);
            foreach (var type in new[] { info.Type, info.ConvertedType })
                if (type is not null && !allowlist.IsAllowedType(type))
                {
                    Refuse($"a value of type '{type.ToDisplayString()}'");
                    break;
                }
            var conversion = model.GetConversion(node);
            if (conversion.IsUserDefined && conversion.MethodSymbol is { } m && !allowlist.IsAllowedSymbol(m))
                Refuse($"the conversion '{m.ToDisplayString()}'");
        }
    }

    static bool IsComparableByValue(ITypeSymbol type) => type switch
    {
        INamedTypeSymbol { IsTupleType: true } tuple => tuple.TupleElements.All(e => IsComparableByValue(e.Type)),
        INamedTypeSymbol { TypeKind: TypeKind.Enum } => true,
        INamedTypeSymbol named when named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T => IsComparableByValue(named.TypeArguments[0]),
        _ => type.SpecialType is >= SpecialType.System_Boolean and <= SpecialType.System_String,
    };

    static List<SandboxDiagnostic> Deduplicate(List<SandboxDiagnostic> diagnostics) =>
        diagnostics.GroupBy(d => (d.Code, d.Message, d.Start, d.Length)).Select(g => g.First()).OrderBy(d => d.Start).ToList();

    static string TypeName(Type type) => "global::" + (type.FullName ?? type.Name).Replace('+', '.');
}
