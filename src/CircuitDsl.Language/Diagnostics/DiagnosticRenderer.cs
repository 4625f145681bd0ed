using System.Text;
using System.Text.Json;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Diagnostics;

/// <summary>
/// Renders diagnostics for people (<c>file:line:col: error CD2003: message</c>, then the source line with a
/// caret under the span) and for tools (JSON).
/// </summary>
public static class DiagnosticRenderer
{
    private const int MaxShownLineLength = 160;

    /// <summary>Writes each diagnostic, in source order, with its source line and underline.</summary>
    public static void WriteText(TextWriter writer, IEnumerable<Diagnostic> diagnostics, Func<string, SourceText?> sources)
    {
        foreach (var diagnostic in diagnostics.InSourceOrder())
        {
            writer.Write(ToText(diagnostic, sources(diagnostic.Span.File)));
        }
    }

    /// <summary>One diagnostic as text, ending with a line break.</summary>
    public static string ToText(Diagnostic diagnostic, SourceText? source)
    {
        var span = diagnostic.Span;
        var builder = new StringBuilder();
        builder.Append(diagnostic).Append('\n');
        if (source is null || span.Line < 1)
        {
            return builder.ToString();
        }

        string line = source.GetLineText(span.Line);
        int column = span.Column - 1;
        int width = Math.Max(1, Math.Min(span.Length, line.Length - column));
        (string shown, int caretColumn) = Window(line, column, ref width);
        string gutter = span.Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Append(' ', 1).Append(gutter).Append(" | ").Append(shown).Append('\n');
        builder.Append(' ', gutter.Length + 2).Append("| ").Append(' ', caretColumn).Append('^').Append('~', width - 1).Append('\n');
        return builder.ToString();
    }

    /// <summary>All diagnostics as a JSON array (stable property names, source order).</summary>
    public static string ToJson(IEnumerable<Diagnostic> diagnostics)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var diagnostic in diagnostics.InSourceOrder())
            {
                writer.WriteStartObject();
                writer.WriteString("code", diagnostic.Code);
                writer.WriteString("severity", diagnostic.Severity.ToString().ToLowerInvariant());
                writer.WriteString("message", diagnostic.Message);
                writer.WriteString("file", diagnostic.Span.File);
                writer.WriteNumber("line", diagnostic.Span.Line);
                writer.WriteNumber("column", diagnostic.Span.Column);
                writer.WriteNumber("offset", diagnostic.Span.Offset);
                writer.WriteNumber("length", diagnostic.Span.Length);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// The part of a line to show: tabs become spaces, control characters become '?', and very long lines are
    /// cut to a window around the span. Returns the text and the caret's column in it.
    /// </summary>
    private static (string Shown, int CaretColumn) Window(string line, int column, ref int width)
    {
        column = Math.Clamp(column, 0, line.Length);
        int start = Math.Max(0, Math.Min(column - (MaxShownLineLength / 2), line.Length - MaxShownLineLength));
        int end = Math.Min(line.Length, start + MaxShownLineLength);
        var shown = new StringBuilder();
        int caret = 0;
        for (int i = start; i < end; i++)
        {
            if (i == column)
            {
                caret = shown.Length;
            }

            char c = line[i];
            shown.Append(c == '\t' ? "    " : char.IsControl(c) || char.IsSurrogate(c) ? "?" : c.ToString());
        }

        if (column >= end)
        {
            caret = shown.Length;
        }

        width = Math.Clamp(width, 1, Math.Max(1, shown.Length - caret));
        return ((start > 0 ? "..." : string.Empty) + shown + (end < line.Length ? "..." : string.Empty), caret + (start > 0 ? 3 : 0));
    }
}
