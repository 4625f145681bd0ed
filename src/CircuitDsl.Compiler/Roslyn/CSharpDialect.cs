using Microsoft.CodeAnalysis.CSharp;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>
/// The C# that causal variables and the generated plan code are parsed as, in one place. C# 13, not the latest: C# 14's
/// first-class spans bind <c>x.Tokens.Contains(3)</c> to <c>MemoryExtensions.Contains</c> on a span (outside the
/// sandbox's allowlist) and <c>x.Tokens.Reverse()</c> to the in-place <c>MemoryExtensions.Reverse</c>, where a reader
/// of the expression (and the allowlist) means LINQ's.
/// </summary>
public static class CSharpDialect
{
    public static CSharpParseOptions ParseOptions { get; } = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.CSharp13);
}
