namespace CircuitDsl.Language.Syntax;

/// <summary>
/// The text of one .circuit file with its line-start table, so that offsets map to line and column by
/// binary search instead of rescanning the text.
/// </summary>
public sealed class SourceText
{
    private readonly int[] _lineStarts;

    private SourceText(string filePath, string text)
    {
        FilePath = filePath;
        Text = text;
        _lineStarts = ComputeLineStarts(text);
        LineEnding = DetectLineEnding(text);
    }

    /// <summary>The path the file was read from, as given (used in every span and diagnostic).</summary>
    public string FilePath { get; }

    /// <summary>The full text.</summary>
    public string Text { get; }

    /// <summary>The file's line ending: the first one found, LF when the file has none.</summary>
    public string LineEnding { get; }

    /// <summary>Number of lines (a file with no line break has one).</summary>
    public int LineCount => _lineStarts.Length;

    /// <summary>Wraps text that is already decoded.</summary>
    public static SourceText From(string text, string filePath) => new(filePath, text);

    /// <summary>The 1-based line and column of an offset (clamped to the text).</summary>
    public (int Line, int Column) GetLineColumn(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        int index = Array.BinarySearch(_lineStarts, offset);
        int line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>A span from an offset and length, with line and column filled in.</summary>
    public SourceSpan Span(int offset, int length)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        length = Math.Clamp(length, 0, Text.Length - offset);
        var (line, column) = GetLineColumn(offset);
        return new SourceSpan(FilePath, offset, length, line, column);
    }

    /// <summary>A span covering [start, end).</summary>
    public SourceSpan SpanBetween(int start, int end) => Span(start, Math.Max(0, end - start));

    /// <summary>The text of a 1-based line, without its line break.</summary>
    public string GetLineText(int line)
    {
        if (line < 1 || line > _lineStarts.Length)
        {
            return string.Empty;
        }

        int start = _lineStarts[line - 1];
        int end = line < _lineStarts.Length ? _lineStarts[line] : Text.Length;
        while (end > start && (Text[end - 1] == '\n' || Text[end - 1] == '\r'))
        {
            end--;
        }

        return Text[start..end];
    }

    /// <summary>The offset at which a 1-based line starts.</summary>
    public int GetLineStart(int line) => _lineStarts[Math.Clamp(line, 1, _lineStarts.Length) - 1];

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue; // CRLF is one break; the LF records it.
            }

            if (c == '\n' || c == '\r')
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }

    private static string DetectLineEnding(string text)
    {
        int index = text.IndexOfAny(['\r', '\n']);
        return index >= 0 && text[index] == '\r' && index + 1 < text.Length && text[index + 1] == '\n' ? "\r\n" : "\n";
    }
}
