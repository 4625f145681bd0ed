namespace CircuitDsl.Language.Syntax;

/// <summary>
/// Reads one token at a time from any offset. Lexing on demand (rather than once up front) keeps the
/// lexer and the raw C# expression scanner from disagreeing: after an expression the parser simply asks
/// for the next token where the expression ended.
/// </summary>
public static class Lexer
{
    private static readonly string[] MultiCharPunctuation = ["->", ">=", "<="];
    private const string SingleCharPunctuation = "{}()[],:.=><+-*%";

    /// <summary>
    /// Skips trivia (whitespace, // and /* */ comments) from <paramref name="offset"/> and reads the next token.
    /// Comments met on the way are passed to <paramref name="onComment"/> when given.
    /// </summary>
    public static Token Next(string text, int offset, Action<Comment>? onComment = null)
    {
        int position = offset;
        bool newline = false;
        while (position < text.Length)
        {
            char c = text[position];
            if (c == '\n' || c == '\r')
            {
                newline = true;
                position++;
            }
            else if (char.IsWhiteSpace(c))
            {
                position++;
            }
            else if (c == '/' && Peek(text, position + 1) == '/')
            {
                int end = LineEnd(text, position);
                onComment?.Invoke(new Comment(text[position..end], position, IsBlock: false));
                position = end;
            }
            else if (c == '/' && Peek(text, position + 1) == '*')
            {
                int close = text.IndexOf("*/", position + 2, StringComparison.Ordinal);
                if (close < 0)
                {
                    return new Token(TokenKind.UnterminatedComment, position, text.Length - position, newline);
                }

                onComment?.Invoke(new Comment(text[position..(close + 2)], position, IsBlock: true));
                newline |= text.AsSpan(position, close - position).ContainsAny('\n', '\r');
                position = close + 2;
            }
            else
            {
                break;
            }
        }

        return position >= text.Length
            ? new Token(TokenKind.EndOfFile, text.Length, 0, newline)
            : ReadToken(text, position, newline);
    }

    /// <summary>The offset of the end of the line that contains <paramref name="offset"/> (before its break).</summary>
    public static int LineEnd(string text, int offset)
    {
        int end = text.AsSpan(offset).IndexOfAny('\n', '\r');
        return end < 0 ? text.Length : offset + end;
    }

    /// <summary>True for characters that may start an identifier.</summary>
    public static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    /// <summary>True for characters that may continue an identifier.</summary>
    public static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    private static Token ReadToken(string text, int start, bool newline)
    {
        char c = text[start];
        if (IsIdentifierStart(c))
        {
            int end = start + 1;
            while (end < text.Length && IsIdentifierPart(text[end]))
            {
                end++;
            }

            return new Token(TokenKind.Identifier, start, end - start, newline);
        }

        if (char.IsAsciiDigit(c))
        {
            return new Token(TokenKind.Number, start, ReadNumber(text, start) - start, newline);
        }

        if (c == '"')
        {
            return ReadString(text, start, newline);
        }

        foreach (string punctuation in MultiCharPunctuation)
        {
            if (string.CompareOrdinal(text, start, punctuation, 0, punctuation.Length) == 0)
            {
                return new Token(TokenKind.Punctuation, start, punctuation.Length, newline);
            }
        }

        if (SingleCharPunctuation.Contains(c))
        {
            return new Token(TokenKind.Punctuation, start, 1, newline);
        }

        // A surrogate pair is one unknown character, so diagnostics never split it.
        int length = char.IsHighSurrogate(c) && start + 1 < text.Length && char.IsLowSurrogate(text[start + 1]) ? 2 : 1;
        return new Token(TokenKind.Unknown, start, length, newline);
    }

    private static int ReadNumber(string text, int start)
    {
        int end = SkipDigits(text, start);
        if (Peek(text, end) == '.' && char.IsAsciiDigit(Peek(text, end + 1)))
        {
            end = SkipDigits(text, end + 1);
        }

        if (Peek(text, end) is 'e' or 'E')
        {
            int exponent = end + 1;
            if (Peek(text, exponent) is '+' or '-')
            {
                exponent++;
            }

            if (char.IsAsciiDigit(Peek(text, exponent)))
            {
                end = SkipDigits(text, exponent);
            }
        }

        return end;
    }

    private static int SkipDigits(string text, int position)
    {
        while (position < text.Length && char.IsAsciiDigit(text[position]))
        {
            position++;
        }

        return position;
    }

    private static Token ReadString(string text, int start, bool newline)
    {
        int position = start + 1;
        while (position < text.Length)
        {
            char c = text[position];
            if (c == '"')
            {
                return new Token(TokenKind.String, start, position + 1 - start, newline);
            }

            if (c == '\n' || c == '\r')
            {
                break;
            }

            position += c == '\\' && position + 1 < text.Length && text[position + 1] is not ('\n' or '\r') ? 2 : 1;
        }

        return new Token(TokenKind.UnterminatedString, start, position - start, newline);
    }

    private static char Peek(string text, int position) => position < text.Length ? text[position] : '\0';
}
