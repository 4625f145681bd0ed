namespace CircuitDsl.Compiler.Sandbox;

/// <summary>Why an embedded expression is refused, at a span relative to the expression's own text.</summary>
/// <param name="Code">A stable diagnostic code (see <see cref="SandboxCodes"/>).</param>
public sealed record SandboxDiagnostic(string Code, string Message, int Start, int Length);

/// <summary>The sandbox's diagnostic codes (the CD3xxx compile range of the diagnostics catalogue).</summary>
public static class SandboxCodes
{
    /// <summary>The text is not exactly one C# expression.</summary>
    public const string NotAnExpression = "CD3001";
    /// <summary>A construct that expressions may not use (comments, directives, pointers, global::, ...).</summary>
    public const string ForbiddenSyntax = "CD3002";
    /// <summary>A type or member outside the allowlist.</summary>
    public const string ForbiddenSymbol = "CD3003";
    /// <summary>The result cannot define resampling classes (not equality-comparable by value).</summary>
    public const string ResultNotComparable = "CD3004";
    /// <summary>A C# error (Roslyn's own code and message follow).</summary>
    public const string CSharpError = "CD3005";
    /// <summary>Lambdas nested deeper than the cost bound allows.</summary>
    public const string LambdaTooDeep = "CD3006";
    /// <summary>Nested deeper, or chaining more member accesses, than the stack bound allows.</summary>
    public const string ExpressionTooDeep = "CD3008";
    /// <summary>More characters than the length bound allows.</summary>
    public const string ExpressionTooLong = "CD3009";
}
