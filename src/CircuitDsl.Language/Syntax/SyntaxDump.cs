using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// An indented text rendering of a syntax tree without spans or trivia. Two trees mean the same thing exactly
/// when their dumps are equal; the formatter's meaning-preservation check and the tests compare dumps.
/// </summary>
public static class SyntaxDump
{
    /// <summary>Dumps a node and everything under it.</summary>
    public static string Of(SyntaxNode node)
    {
        var builder = new StringBuilder();
        Write(builder, node, 0);
        return builder.ToString();
    }

    private static void Write(StringBuilder builder, object? value, int indent)
    {
        switch (value)
        {
            case null:
                builder.Append("null\n");
                break;
            case SyntaxNode node:
                builder.Append(node.GetType().Name).Append('\n');
                foreach (var property in PropertiesOf(node.GetType()))
                {
                    builder.Append(' ', indent + 2).Append(property.Name).Append(": ");
                    Write(builder, property.GetValue(node), indent + 2);
                }

                break;
            case string text:
                builder.Append('"').Append(text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)).Append("\"\n");
                break;
            case IEnumerable items:
                builder.Append("[\n");
                foreach (object? item in items)
                {
                    builder.Append(' ', indent + 2);
                    Write(builder, item, indent + 2);
                }

                builder.Append(' ', indent).Append("]\n");
                break;
            case IFormattable formattable:
                builder.Append(formattable.ToString(null, CultureInfo.InvariantCulture)).Append('\n');
                break;
            default:
                builder.Append(value).Append('\n');
                break;
        }
    }

    private static IEnumerable<PropertyInfo> PropertiesOf(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.Name is not ("Span" or "EqualityContract") && p.GetIndexParameters().Length == 0 && p.CanRead)
            .Where(p => p.GetMethod is { IsPublic: true })
            .OrderBy(p => p.MetadataToken);
}
