using System.Globalization;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>A span of a .circuit file: 1-based lines and columns, end exclusive (as the enhanced #line form wants).</summary>
public sealed record SourceRange(string File, int StartLine, int StartColumn, int EndLine, int EndColumn);

/// <summary>
/// Writes the directives that map generated C# back to .circuit text. Every span copied from the user is preceded
/// by an enhanced <c>#line (l,c)-(l,c) offset "file"</c>, and everything else is <c>#line hidden</c>, so a C# error
/// lands on the user's own line and column and an error in scaffolding is visibly the compiler's fault.
/// </summary>
public static class LineDirectives
{
    public const string Hidden = "#line hidden";

    /// <param name="charactersBefore">
    /// How many characters of the next generated line precede the copied text: Roslyn counts the directive's
    /// offset this way (checked by RoslynCompilerTests, which places a user expression after eight spaces).
    /// </param>
    public static string MapNextLine(SourceRange range, int charactersBefore) =>
        string.Create(CultureInfo.InvariantCulture,
            $"#line ({range.StartLine},{range.StartColumn})-({range.EndLine},{range.EndColumn}) {charactersBefore} \"{Escape(range.File)}\"");

    static string Escape(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
