using Microsoft.CodeAnalysis;

namespace CircuitDsl.Compiler.Sandbox;

/// <summary>
/// What embedded expressions may touch: the example context's own types, primitives, System.Math, and a listed
/// set of string, char, tuple and LINQ members. Anything not listed is refused; nothing is refused by name
/// pattern alone (deny-lists leak).
/// </summary>
internal sealed class SandboxAllowlist(IReadOnlySet<string> contextTypes)
{
    static readonly HashSet<SpecialType> Primitives =
    [
        SpecialType.System_Boolean, SpecialType.System_Char, SpecialType.System_SByte, SpecialType.System_Byte,
        SpecialType.System_Int16, SpecialType.System_UInt16, SpecialType.System_Int32, SpecialType.System_UInt32,
        SpecialType.System_Int64, SpecialType.System_UInt64, SpecialType.System_Single, SpecialType.System_Double,
        SpecialType.System_Decimal, SpecialType.System_String,
    ];

    /// <summary>Generic types (by metadata name) whose members are harmless when their type arguments are.</summary>
    static readonly HashSet<string> GenericContainers =
    [
        "System.Nullable`1", "System.Collections.Generic.IEnumerable`1", "System.Collections.Generic.IReadOnlyList`1",
        "System.Collections.Generic.IReadOnlyCollection`1", "System.Linq.IOrderedEnumerable`1",
        "System.Func`2", "System.Func`3",
    ];

    static readonly HashSet<string> StaticClasses = ["System.Math", "System.MathF"];

    static readonly HashSet<string> OtherTypes = ["System.Index", "System.Range"];

    static readonly Dictionary<string, HashSet<string>> Members = new()
    {
        ["System.String"] = ["Length", "this[]", "Contains", "StartsWith", "EndsWith", "IndexOf", "LastIndexOf", "Substring",
            "ToLowerInvariant", "ToUpperInvariant", "Trim", "Equals", "CompareTo", "CompareOrdinal", "IsNullOrEmpty",
            "op_Equality", "op_Inequality", "op_Addition", "Concat", "GetHashCode", "ToString"],
        ["System.Char"] = ["IsDigit", "IsLetter", "IsLetterOrDigit", "IsUpper", "IsLower", "IsWhiteSpace", "IsPunctuation",
            "ToUpperInvariant", "ToLowerInvariant", "Equals", "CompareTo", "GetHashCode", "ToString"],
        ["System.Array"] = ["Length"],
        ["System.Object"] = ["Equals", "GetHashCode", "ToString"],
        ["System.Nullable`1"] = ["HasValue", "Value", "GetValueOrDefault", "Equals", "GetHashCode", "ToString"],
        ["System.Collections.Generic.IReadOnlyList`1"] = ["this[]"],
        ["System.Collections.Generic.IReadOnlyCollection`1"] = ["Count"],
        ["System.Index"] = [".ctor", "FromEnd", "FromStart", "Value", "IsFromEnd", "op_Implicit"],
        ["System.Range"] = [".ctor", "StartAt", "EndAt", "Start", "End"],
        // LINQ over the context's sequences; no Range or Repeat (their cost has no bound in the input).
        ["System.Linq.Enumerable"] = ["Count", "LongCount", "Sum", "Min", "Max", "Average", "Any", "All", "Where", "Select",
            "Take", "Skip", "TakeLast", "SkipLast", "TakeWhile", "SkipWhile", "Contains", "First", "FirstOrDefault", "Last",
            "LastOrDefault", "ElementAt", "ElementAtOrDefault", "Reverse", "SequenceEqual", "Distinct", "ToArray", "OrderBy",
            "OrderByDescending", "Zip", "Aggregate", "Single", "SingleOrDefault"],
    };

    public bool IsAllowedType(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => array.IsSZArray && IsAllowedType(array.ElementType),
        INamedTypeSymbol { IsTupleType: true } tuple => tuple.TupleElements.All(e => IsAllowedType(e.Type)),
        INamedTypeSymbol named when named.IsGenericType =>
            GenericContainers.Contains(MetadataName(named.OriginalDefinition)) && named.TypeArguments.All(IsAllowedType),
        ITypeParameterSymbol => true, // bound by the method it belongs to, itself checked
        INamedTypeSymbol named => Primitives.Contains(named.SpecialType) || named.TypeKind == TypeKind.Enum && IsContext(named)
            || IsContext(named) || StaticClasses.Contains(MetadataName(named)) || OtherTypes.Contains(MetadataName(named)),
        _ => false, // pointers, dynamic, function pointers, error types
    };

    public bool IsAllowedSymbol(ISymbol symbol)
    {
        switch (symbol)
        {
            case INamespaceSymbol:
                return true; // a namespace does nothing by itself; what is reached through it is checked
            case ITypeSymbol type:
                return IsAllowedType(type);
            case IParameterSymbol or ILocalSymbol or IDiscardSymbol:
                return IsAllowedType(TypeOf(symbol)); // declared by the expression itself (lambda parameters, patterns)
            case IMethodSymbol { MethodKind: MethodKind.BuiltinOperator }:
                return true;
            case IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }:
                return true;
            case IMethodSymbol method when method.ReducedFrom is { } extension:
                return IsAllowedSymbol(extension) && method.TypeArguments.All(IsAllowedType);
        }

        var owner = symbol.ContainingType;
        if (owner is null) return false;
        if (owner.IsTupleType) return symbol is IFieldSymbol || symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } || symbol.Name is "Equals" or "GetHashCode" or "ToString";
        if (IsContext(owner)) return symbol.DeclaredAccessibility == Accessibility.Public && !symbol.Name.StartsWith("get_Type", StringComparison.Ordinal);
        string ownerName = MetadataName(owner.OriginalDefinition);
        if (StaticClasses.Contains(ownerName)) return symbol.IsStatic;
        if (symbol is IMethodSymbol { IsGenericMethod: true } generic && !generic.TypeArguments.All(IsAllowedType)) return false;
        if (Members.TryGetValue(ownerName, out var names))
            return names.Contains(symbol is IPropertySymbol { IsIndexer: true } ? "this[]" : symbol.Name);
        // Primitives' own operators and comparison members (int.CompareTo, double.IsNaN ...).
        return owner.SpecialType is not SpecialType.None and not SpecialType.System_Object and not SpecialType.System_String
               && Primitives.Contains(owner.SpecialType) && symbol.Name is "CompareTo" or "Equals" or "GetHashCode" or "ToString" or "IsNaN"
                   or "IsInfinity" or "IsFinite" or "MaxValue" or "MinValue" or "Epsilon" or "PositiveInfinity" or "NegativeInfinity" or "NaN"
                   or "Abs" or "Sign" or "op_Equality" or "op_Inequality";
    }

    bool IsContext(INamedTypeSymbol type) => contextTypes.Contains(MetadataName(type.OriginalDefinition));

    static ITypeSymbol TypeOf(ISymbol symbol) => symbol switch
    {
        IParameterSymbol p => p.Type,
        ILocalSymbol l => l.Type,
        IDiscardSymbol d => d.Type,
        _ => throw new ArgumentException(symbol.Kind.ToString()),
    };

    public static string MetadataName(INamedTypeSymbol type)
    {
        var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        var outer = type.ContainingType is { } containing ? MetadataName(containing) + "+" : ns;
        return outer + type.MetadataName;
    }
}
