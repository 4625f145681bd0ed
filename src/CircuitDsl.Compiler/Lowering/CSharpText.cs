using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>
/// How values from a .circuit file are spelt in generated C#. User text reaches the generated file only as string
/// literals (escaped by Roslyn), sanitised comments, or causal-variable expressions the sandbox has already checked.
/// </summary>
internal static class CSharpText
{
    public static string String(string value) => SymbolDisplay.FormatLiteral(value, quote: true);

    public static string Long(long value) => value.ToString(CultureInfo.InvariantCulture) + "L";

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The shortest text that reads back as the same double ("R" is exact and culture-free).</summary>
    public static string Double(double value)
    {
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text : text + ".0";
    }

    /// <summary>Text for a <c>//</c> comment: one line, nothing that could end the comment.</summary>
    public static string Comment(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
            builder.Append(char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085' ? ' ' : c);
        return builder.ToString();
    }

    /// <summary>A valid C# identifier from a language name (which may hold '.', ':', '→' in generated node names).</summary>
    public static string Identifier(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
            builder.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (builder.Length == 0 || char.IsAsciiDigit(builder[0])) builder.Insert(0, '_');
        string identifier = builder.ToString();
        return SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(identifier) != SyntaxKind.None
            ? "@" + identifier
            : identifier;
    }

    /// <summary>PascalCase of a file name: <c>induction-attn-only-2l.circuit</c> → <c>InductionAttnOnly2l</c>.</summary>
    public static string TypeName(string filePath)
    {
        var builder = new StringBuilder();
        bool upper = true;
        foreach (char c in Path.GetFileNameWithoutExtension(filePath))
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                upper = true;
                continue;
            }
            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }
        if (builder.Length == 0 || char.IsAsciiDigit(builder[0])) builder.Insert(0, "Circuit");
        return builder.ToString();
    }
}

/// <summary>Hands out identifiers that are unique within one scope (a class or a method).</summary>
internal sealed class NameAllocator(params string[] reserved)
{
    readonly HashSet<string> used = new(reserved, StringComparer.Ordinal);

    public string Allocate(string preferred)
    {
        string name = CSharpText.Identifier(preferred);
        for (int n = 2; !used.Add(name); n++)
            name = CSharpText.Identifier($"{preferred}_{n}");
        return name;
    }
}
