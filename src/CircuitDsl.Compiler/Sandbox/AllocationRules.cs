using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>
/// Allocations whose size an expression states rather than its input bounds. Everything else the allowlist admits
/// allocates at most a polynomial of the example's length (lambdas nest two deep), which the run-time guard turns
/// into a diagnostic if it is still too much; these are refused before anything runs (the Compiler README lists
/// the decision per member).
/// </summary>
internal static class AllocationRules
{
    /// <summary>Why members outside the allowlist stay out, added to the refusal so that it says more than "not listed".</summary>
    static readonly Dictionary<string, string> SizedByArgument = new(StringComparer.Ordinal)
    {
        ["System.String..ctor"] = "new string(c, n) allocates n characters, whatever n is",
        ["System.String.PadLeft"] = "PadLeft allocates as many characters as its argument says",
        ["System.String.PadRight"] = "PadRight allocates as many characters as its argument says",
        ["System.String.Join"] = "use string.Concat, whose size is its arguments'",
        ["System.Linq.Enumerable.Range"] = "Range's length is its argument, not the input",
        ["System.Linq.Enumerable.Repeat"] = "Repeat's length is its argument, not the input",
        ["System.Array.CreateInstance"] = "an array's length would be its argument",
    };

    /// <summary>The reason a refused member is dangerous, when it is a known one; null otherwise.</summary>
    public static string? WhyNotListed(ISymbol symbol) =>
        symbol.ContainingType is { } owner && SizedByArgument.TryGetValue(SandboxAllowlist.MetadataName(owner.OriginalDefinition) + "." + symbol.Name, out var why)
            ? why
            : null;

    /// <summary>A refusal for an allocation sized by the expression itself, or null.</summary>
    public static string? Refusal(SyntaxNode node, SemanticModel model) => node switch
    {
        ArrayCreationExpressionSyntax array when array.Type.RankSpecifiers.SelectMany(r => r.Sizes).Any(s => s is not OmittedArraySizeExpressionSyntax) =>
            "an array sized by an expression (new T[n]) is not allowed in a causal variable: n could be anything; list the elements instead (new[] { a, b })",
        InvocationExpressionSyntax call when model.GetSymbolInfo(call).Symbol is IMethodSymbol { Name: "Aggregate" } aggregate
            && IsLinq(aggregate) && AccumulatorOf(aggregate) is { } accumulator && HoldsString(accumulator) =>
            $"Aggregate with a '{accumulator.ToDisplayString()}' accumulator is not allowed in a causal variable: it can double the string at every element; use string.Concat(...) over the sequence",
        _ => null,
    };

    static bool IsLinq(IMethodSymbol method) =>
        (method.ReducedFrom ?? method).ContainingType is { } owner && SandboxAllowlist.MetadataName(owner) == "System.Linq.Enumerable";

    /// <summary>The type the folding function returns: its last type argument (Func&lt;TAccumulate, TSource, TAccumulate&gt;).</summary>
    static ITypeSymbol? AccumulatorOf(IMethodSymbol aggregate) =>
        aggregate.Parameters.FirstOrDefault(p => p.Name == "func")?.Type is INamedTypeSymbol { TypeArguments.Length: > 0 } func ? func.TypeArguments[^1] : null;

    /// <summary>Strings are the only values the allowlist can grow (by concatenation); arrays and tuples of them carry them.</summary>
    static bool HoldsString(ITypeSymbol type) => type switch
    {
        { SpecialType: SpecialType.System_String } => true,
        IArrayTypeSymbol array => HoldsString(array.ElementType),
        INamedTypeSymbol { IsTupleType: true } tuple => tuple.TupleElements.Any(e => HoldsString(e.Type)),
        INamedTypeSymbol named => named.TypeArguments.Any(HoldsString),
        _ => false,
    };
}
