using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>Spans inside an embedded expression, turned into spans of its .circuit file.</summary>
internal static class SourceSpans
{
    /// <summary>The .circuit span of <paramref name="length"/> characters at <paramref name="start"/> of <paramref name="text"/>, which begins at <paramref name="span"/>.</summary>
    public static SourceSpan Within(SourceSpan span, string text, int start, int length)
    {
        start = Math.Clamp(start, 0, text.Length);
        length = Math.Clamp(length, 0, text.Length - start);
        int lastBreak = text.LastIndexOf('\n', Math.Max(0, start - 1), start);
        int line = span.Line + text[..start].Count(c => c == '\n');
        int column = lastBreak < 0 ? span.Column + start : start - lastBreak;
        return new SourceSpan(span.File, span.Offset + start, length, line, column);
    }

    /// <summary>The offset inside <paramref name="text"/> (starting at <paramref name="span"/>) of a 1-based line and column, or -1.</summary>
    public static int OffsetOf(SourceSpan span, string text, int line, int column)
    {
        int offset = 0;
        for (int l = span.Line; l < line; l++)
        {
            int next = text.IndexOf('\n', offset);
            if (next < 0) return -1;
            offset = next + 1;
        }
        offset += line == span.Line ? column - span.Column : column - 1;
        return offset >= 0 && offset <= text.Length ? offset : -1;
    }

    public static bool Contains(SourceSpan outer, SourceSpan inner) =>
        outer.File == inner.File && inner.Offset >= outer.Offset && inner.End <= outer.End;
}
