using CircuitDsl.Language.Diagnostics;
using Sprache;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// Sprache failures carry a message string and expectations. Most failures here are "expected X" at a token;
/// a few know their exact diagnostic (an unclosed bracket inside a C# expression) and encode it in the
/// message so the driver can report it with its own code and span.
/// </summary>
internal static class ParseFailures
{
    private const char Marker = '\u0001';

    public static IResult<T> Expected<T>(ParseInput at, string expectation) =>
        Result.Failure<T>(at, string.Empty, at.Expecting(expectation));

    public static IResult<T> Coded<T>(ParseInput at, int length, Diagnostic diagnostic) => Coded<T>(at, at.Offset, length, diagnostic);

    /// <summary>A failure whose diagnostic covers <paramref name="offset"/>..+<paramref name="length"/>, resuming at <paramref name="remainder"/>.</summary>
    public static IResult<T> Coded<T>(ParseInput remainder, int offset, int length, Diagnostic diagnostic) =>
        Result.Failure<T>(remainder, $"{Marker}{diagnostic.Code}{Marker}{offset}{Marker}{length}{Marker}{diagnostic.Message}", []);

    /// <summary>
    /// Turns a failed result into the diagnostic the user sees. <paramref name="statementStart"/> is the offset
    /// the failed statement was parsed from; <paramref name="hint"/> is appended to the message.
    /// </summary>
    public static Diagnostic ToDiagnostic<T>(ParseContext context, IResult<T> failure, int statementStart, string hint = "")
    {
        var remainder = (ParseInput)failure.Remainder;
        var source = context.Source;
        if (TryDecode(failure.Message, out string code, out int offset, out int length, out string message))
        {
            var descriptor = DiagnosticCatalog.All.Single(d => d.Code == code);
            return new Diagnostic(descriptor, source.Span(offset, length), message);
        }

        var token = context.TokenAt(remainder.Offset);
        switch (token.Kind)
        {
            case TokenKind.UnterminatedString:
                return DiagnosticCatalog.UnterminatedString.Create(source.Span(token.Start, token.Length));
            case TokenKind.UnterminatedComment:
                return DiagnosticCatalog.UnterminatedComment.Create(source.Span(token.Start, 2));
        }

        var expectations = failure.Expectations.Distinct(StringComparer.Ordinal).ToList();
        string expected = expectations.Count == 0 ? "valid syntax" : JoinAlternatives(expectations);
        bool consumed = remainder.Offset > statementStart;
        if (consumed && token.PrecededByNewline && !expectations.Contains("end of line"))
        {
            // The statement stopped at a line break: point just past its last token, not at the next line.
            string found = token.Kind == TokenKind.EndOfFile ? "end of file" : "end of line";
            return DiagnosticCatalog.UnexpectedToken.Create(source.Span(remainder.Offset, 0), expected, found + hint);
        }

        return DiagnosticCatalog.UnexpectedToken.Create(
            source.Span(token.Start, token.Length), expected, SyntaxFacts.Describe(source.Text, token) + hint);
    }

    /// <summary>"a", "a or b", "a, b or c".</summary>
    public static string JoinAlternatives(IReadOnlyList<string> items) =>
        items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1];

    private static bool TryDecode(string message, out string code, out int offset, out int length, out string text)
    {
        code = text = string.Empty;
        offset = length = 0;
        if (message.Length == 0 || message[0] != Marker)
        {
            return false;
        }

        string[] parts = message[1..].Split(Marker, 4);
        code = parts[0];
        offset = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        length = int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
        text = parts[3];
        return true;
    }
}
