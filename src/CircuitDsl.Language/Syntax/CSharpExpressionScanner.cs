using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// Finds where an embedded C# expression ends without parsing C#: at the end of the line, at a <c>//</c>
/// comment, or before a closing bracket it did not open, whichever comes first outside brackets and strings.
/// Inside brackets an expression may span lines. String, verbatim, interpolated and character literals are
/// skipped so that their brackets and slashes do not count. The scan is iterative (an explicit stack), so
/// deeply nested input cannot overflow the call stack. It also enforces the two bounds that need no C# parser
/// (CD3008 for brackets nested past <see cref="ResourceLimits.MaxExpressionDepth"/>, CD3009 for text longer than
/// <see cref="ResourceLimits.MaxExpressionLength"/>), so that no later stage (formatter, diff, binder, Roslyn) sees
/// a hostile expression.
/// </summary>
internal static class CSharpExpressionScanner
{
    internal readonly record struct ScanResult(int Start, int End, Diagnostic? Error);

    private enum FrameKind
    {
        Bracket,
        InterpolatedString,
        VerbatimInterpolatedString,
    }

    private readonly record struct Frame(FrameKind Kind, char Open, int Offset);

    public static ScanResult Scan(SourceText source, int offset)
    {
        string text = source.Text;
        int start = offset;
        while (start < text.Length && text[start] is not ('\n' or '\r') && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        var frames = new Stack<Frame>();
        int statementIndent = Indentation(text, source.GetLineStart(source.GetLineColumn(start).Line));
        int position = start;
        int end = start; // just past the last character that belongs to the expression
        while (position < text.Length)
        {
            char c = text[position];
            if (frames.TryPeek(out var top) && top.Kind != FrameKind.Bracket)
            {
                var next = InsideInterpolatedString(source, frames, top, position, out var error);
                if (error is not null)
                {
                    return new ScanResult(start, position, error);
                }

                position = next;
                end = position;
                continue;
            }

            if (c is '\n' or '\r' || (c == '/' && Peek(text, position + 1) == '/'))
            {
                if (frames.Count == 0)
                {
                    break;
                }

                position = c == '/' ? Lexer.LineEnd(text, position) : position + 1;
                if (c != '/' && StartsNextStatement(text, position, statementIndent))
                {
                    break; // an open bracket would swallow the next statement: report the bracket instead
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                position++;
                continue;
            }

            if (c == '/' && Peek(text, position + 1) == '*')
            {
                int close = text.IndexOf("*/", position + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return Fail(DiagnosticCatalog.UnterminatedComment.Create(source.Span(position, 2)));
                }

                position = end = close + 2;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                if (frames.Count >= ResourceLimits.MaxExpressionDepth)
                {
                    return Fail(DiagnosticCatalog.ExpressionTooDeep.Create(source.Span(position, 1), ExpressionLimitMessages.TooDeep));
                }

                frames.Push(new Frame(FrameKind.Bracket, c, position));
                position = end = position + 1;
                continue;
            }

            if (c is ')' or ']' or '}')
            {
                if (frames.Count == 0)
                {
                    break; // not ours: it closes something around the expression
                }

                var open = frames.Pop();
                if (Closer(open.Open) != c)
                {
                    var (line, column) = source.GetLineColumn(open.Offset);
                    return Fail(DiagnosticCatalog.MismatchedBracket.Create(source.Span(position, 1), c, open.Open, line, column, Closer(open.Open)));
                }

                position = end = position + 1;
                continue;
            }

            if (StartsInterpolatedString(text, position, out int contentStart, out bool verbatim))
            {
                if (frames.Count >= ResourceLimits.MaxExpressionDepth)
                {
                    return Fail(DiagnosticCatalog.ExpressionTooDeep.Create(source.Span(position, 1), ExpressionLimitMessages.TooDeep));
                }

                frames.Push(new Frame(verbatim ? FrameKind.VerbatimInterpolatedString : FrameKind.InterpolatedString, '"', position));
                position = end = contentStart;
                continue;
            }

            int literalEnd = c switch
            {
                '"' => SkipQuoted(text, position + 1, '"'),
                '\'' => SkipQuoted(text, position + 1, '\''),
                '@' when Peek(text, position + 1) == '"' => SkipVerbatim(text, position + 2),
                _ => position + 1,
            };
            if (literalEnd < 0)
            {
                return Fail(DiagnosticCatalog.UnterminatedString.Create(source.SpanBetween(position, Lexer.LineEnd(text, position))));
            }

            position = end = literalEnd;
        }

        if (frames.Count > 0)
        {
            var open = frames.Peek();
            position = open.Offset;
            return open.Kind == FrameKind.Bracket
                ? Fail(DiagnosticCatalog.UnclosedBracket.Create(source.Span(open.Offset, 1), open.Open, Closer(open.Open)))
                : Fail(DiagnosticCatalog.UnterminatedString.Create(source.SpanBetween(open.Offset, Lexer.LineEnd(text, open.Offset))));
        }

        if (end - start > ResourceLimits.MaxExpressionLength)
        {
            return Fail(DiagnosticCatalog.ExpressionTooLong.Create(source.SpanBetween(start, end), ExpressionLimitMessages.TooLong(end - start)));
        }

        return new ScanResult(start, end, null);

        ScanResult Fail(Diagnostic error) => new(start, position, error);
    }

    /// <summary>
    /// True when the line at <paramref name="lineStart"/> is indented no deeper than the statement and starts
    /// with a statement keyword or '}': a continuation of a C# expression is indented deeper than that.
    /// </summary>
    private static bool StartsNextStatement(string text, int lineStart, int statementIndent)
    {
        if (lineStart >= text.Length || text[lineStart] is '\n' or '\r')
        {
            return false;
        }

        int indent = Indentation(text, lineStart);
        if (indent > statementIndent)
        {
            return false;
        }

        int wordStart = lineStart + indent;
        if (wordStart < text.Length && text[wordStart] == '}')
        {
            return true;
        }

        int wordEnd = wordStart;
        while (wordEnd < text.Length && Lexer.IsIdentifierPart(text[wordEnd]))
        {
            wordEnd++;
        }

        string word = text[wordStart..wordEnd];
        return SyntaxFacts.TopLevelStarters.Contains(word) || SyntaxFacts.MemberStarters.Contains(word);
    }

    private static int Indentation(string text, int lineStart)
    {
        int position = lineStart;
        while (position < text.Length && text[position] is ' ' or '\t')
        {
            position++;
        }

        return position - lineStart;
    }

    /// <summary>One step inside the text of an interpolated string; returns the next position.</summary>
    private static int InsideInterpolatedString(SourceText source, Stack<Frame> frames, Frame top, int position, out Diagnostic? error)
    {
        string text = source.Text;
        char c = text[position];
        bool verbatim = top.Kind == FrameKind.VerbatimInterpolatedString;
        error = null;
        switch (c)
        {
            case '"' when verbatim && Peek(text, position + 1) == '"':
                return position + 2;
            case '"':
                frames.Pop();
                return position + 1;
            case '\\' when !verbatim && Peek(text, position + 1) is not ('\n' or '\r' or '\0'):
                return position + 2;
            case '{' when Peek(text, position + 1) == '{':
            case '}' when Peek(text, position + 1) == '}':
                return position + 2;
            case '{' when frames.Count >= ResourceLimits.MaxExpressionDepth:
                error = DiagnosticCatalog.ExpressionTooDeep.Create(source.Span(position, 1), ExpressionLimitMessages.TooDeep);
                return position;
            case '{':
                frames.Push(new Frame(FrameKind.Bracket, '{', position)); // an interpolation hole holds code
                return position + 1;
            case '\n' or '\r' when !verbatim:
                error = DiagnosticCatalog.UnterminatedString.Create(source.SpanBetween(top.Offset, position));
                return position;
            default:
                return position + 1;
        }
    }

    private static bool StartsInterpolatedString(string text, int position, out int contentStart, out bool verbatim)
    {
        string prefix = text.Substring(position, Math.Min(3, text.Length - position));
        verbatim = prefix.StartsWith("$@\"", StringComparison.Ordinal) || prefix.StartsWith("@$\"", StringComparison.Ordinal);
        contentStart = verbatim ? position + 3 : position + 2;
        return verbatim || prefix.StartsWith("$\"", StringComparison.Ordinal);
    }

    /// <summary>Skips a "..." or '...' literal on one line; -1 when it is not closed on that line.</summary>
    private static int SkipQuoted(string text, int position, char quote)
    {
        while (position < text.Length && text[position] is not ('\n' or '\r'))
        {
            if (text[position] == quote)
            {
                return position + 1;
            }

            position += text[position] == '\\' && Peek(text, position + 1) is not ('\n' or '\r' or '\0') ? 2 : 1;
        }

        return -1;
    }

    /// <summary>Skips a @"..." literal (may span lines, "" is a quote); -1 when it is never closed.</summary>
    private static int SkipVerbatim(string text, int position)
    {
        while (position < text.Length)
        {
            if (text[position] == '"')
            {
                if (Peek(text, position + 1) != '"')
                {
                    return position + 1;
                }

                position++;
            }

            position++;
        }

        return -1;
    }

    private static char Closer(char open) => open switch { '(' => ')', '[' => ']', _ => '}' };

    private static char Peek(string text, int position) => position < text.Length ? text[position] : '\0';
}
