namespace CircuitDsl.Compiler.Roslyn;

/// <summary>
/// A C# error reported at its .circuit location (via #line), with Roslyn's own code and message. When an error has
/// no mapped location it is in generated scaffolding: a bug of the compiler, reported as such.
/// </summary>
public sealed record CompileDiagnostic(string Code, string RoslynId, string Message, SourceRange? Location)
{
    /// <summary>A C# error inside user text (a causal variable's expression).</summary>
    public const string UserCodeError = "CD3005";
    /// <summary>A C# error in code the compiler generated: never the user's fault.</summary>
    public const string InternalError = "CD3099";
}
