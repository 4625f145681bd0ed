using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Compiler;

/// <summary>
/// The compiler's diagnostics (CD3xxx): causal-variable expressions refused by the sandbox and errors in generated code
/// (what the engine cannot run is the binder's to refuse: CD2038-CD2040; CD3007 is retired). CD3008 and CD3009 (too deep, too long) are the
/// front end's <see cref="DiagnosticCatalog"/>'s, which reports them before the compiler runs. Codes are append-only.
/// </summary>
public static class CompilerDiagnostics
{
    static DiagnosticDescriptor Error(string code, string title, string format) => new(code, DiagnosticSeverity.Error, title, format);

    /// <summary>A causal variable's text is not exactly one C# expression.</summary>
    public static readonly DiagnosticDescriptor NotAnExpression =
        Error("CD3001", "Not an expression", "{0}");

    /// <summary>A construct causal variables may not use (comments, directives, pointers, assignments, global::, ...).</summary>
    public static readonly DiagnosticDescriptor ForbiddenSyntax =
        Error("CD3002", "Construct not allowed", "{0}");

    /// <summary>A type or member outside the sandbox allowlist.</summary>
    public static readonly DiagnosticDescriptor ForbiddenSymbol =
        Error("CD3003", "Outside the sandbox", "{0}");

    /// <summary>A causal variable whose value does not compare by value, so it cannot define resampling classes.</summary>
    public static readonly DiagnosticDescriptor ResultNotComparable =
        Error("CD3004", "Value does not compare by value", "{0}");

    /// <summary>A C# error in a causal variable, with Roslyn's own code and message.</summary>
    public static readonly DiagnosticDescriptor CSharpError =
        Error("CD3005", "C# error", "{0}");

    /// <summary>Lambdas nested deeper than the cost bound allows.</summary>
    public static readonly DiagnosticDescriptor LambdaTooDeep =
        Error("CD3006", "Lambdas nested too deep", "{0}");

    /// <summary>An error in code the compiler generated: a bug of CircuitDsl, never of the file.</summary>
    public static readonly DiagnosticDescriptor InternalCompilerError =
        Error("CD3099", "Internal compiler error", "Internal error in generated code (a bug in CircuitDsl, not in this file): {0}");

    /// <summary>Every descriptor, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = DiagnosticDescriptor.DeclaredIn(typeof(CompilerDiagnostics));
}
