using System.Globalization;
using System.Text;
using CircuitDsl.Language.Diagnostics;
using Sprache;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// The terminal parsers. Each looks at the next token (trivia skipped by the lexer) and either consumes it
/// or fails without consuming anything, so that <c>XOr</c>-style choice and <see cref="Combinators"/> can
/// decide by the first token. Components, model references and C# expressions are scanned by character
/// because their spelling (<c>L1.H6.k</c>, <c>zoo:attn-only-2l</c>, C#) is not made of the language's tokens.
/// </summary>
internal static class Lexemes
{
    /// <summary>The input at the next token's start, for failures that should point there.</summary>
    private static ParseInput AtToken(ParseInput input) => input.At(input.Peek().Start);

    public static Parser<Token> Keyword(string word) => Match((text, token) => token.IsWord(text, word), $"'{word}'");

    public static Parser<Token> Punctuation(string punctuation) =>
        Match((text, token) => token.Is(text, punctuation), $"'{punctuation}'");

    /// <summary>Succeeds, consuming nothing, where a statement may end: at a line break, '}' or the end of the file.</summary>
    public static readonly Parser<Token> EndOfStatement = input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        bool ends = token.PrecededByNewline || token.Kind == TokenKind.EndOfFile || token.Is(at.Context.Text, "}");
        return ends ? Result.Success(token, at.WithoutPending()) : ParseFailures.Expected<Token>(at, "end of line");
    };

    /// <summary>An identifier that may name something (not a reserved word, not layer-shaped).</summary>
    public static Parser<NameSyntax> Name(string expectation) => input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        string text = at.Context.Text;
        if (token.Kind == TokenKind.Identifier && SyntaxFacts.IsValidName(token.TextIn(text)))
        {
            var name = new NameSyntax(token.TextIn(text)) { Span = at.Context.Source.Span(token.Start, token.Length) };
            return Result.Success(name, at.After(token));
        }

        return ParseFailures.Expected<NameSyntax>(at, expectation);
    };

    /// <summary>One of a fixed set of words, mapped to its meaning.</summary>
    public static Parser<T> OneOf<T>(IReadOnlyDictionary<string, T> words, IEnumerable<string>? allowed = null)
    {
        var choices = (allowed ?? words.Keys).ToList();
        string expectation = ParseFailures.JoinAlternatives([.. choices.Select(w => $"'{w}'")]);
        return input =>
        {
            var at = (ParseInput)input;
            var token = at.Peek();
            if (token.Kind == TokenKind.Identifier)
            {
                string word = token.TextIn(at.Context.Text);
                if (choices.Contains(word) && words.TryGetValue(word, out var value))
                {
                    return Result.Success(value, at.After(token));
                }
            }

            return ParseFailures.Expected<T>(at, expectation);
        };
    }

    public static readonly Parser<StringLiteralSyntax> StringLiteral = input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        if (token.Kind != TokenKind.String)
        {
            return ParseFailures.Expected<StringLiteralSyntax>(at, "a string");
        }

        string raw = token.TextIn(at.Context.Text);
        var literal = new StringLiteralSyntax(Unescape(raw), raw) { Span = at.Context.Source.Span(token.Start, token.Length) };
        return Result.Success(literal, at.After(token));
    };

    /// <summary>A number with an optional leading minus: <c>-0.5</c>, <c>512</c>, <c>1e-3</c>.</summary>
    public static readonly Parser<NumberLiteralSyntax> Number = input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        var minus = default(Token);
        string text = at.Context.Text;
        if (token.Is(text, "-"))
        {
            minus = token;
            token = at.After(token).Peek();
        }

        if (token.Kind != TokenKind.Number)
        {
            return ParseFailures.Expected<NumberLiteralSyntax>(at, "a number");
        }

        string digits = (minus.Length > 0 ? "-" : string.Empty) + token.TextIn(text);
        double value = double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        int start = minus.Length > 0 ? minus.Start : token.Start;
        var span = at.Context.Source.SpanBetween(start, token.End);
        if (Unrepresentable(digits, value) is { } reason)
        {
            return ParseFailures.Coded<NumberLiteralSyntax>(at.After(token), start, token.End - start,
                DiagnosticCatalog.NumberOutOfRange.Create(span, SyntaxFacts.Shorten(digits), reason));
        }

        return Result.Success(new NumberLiteralSyntax(digits, value) { Span = span }, at.After(token));
    };

    /// <summary>Why no number type holds the literal (the double overflows, or a nonzero literal rounds to zero), or null.</summary>
    private static string? Unrepresentable(string digits, double value)
    {
        if (!double.IsFinite(value))
        {
            return "it is beyond the largest number, about 1.8e308";
        }

        int exponent = digits.IndexOfAny(['e', 'E']);
        bool nonzero = (exponent < 0 ? digits : digits[..exponent]).AsSpan().IndexOfAnyInRange('1', '9') >= 0;
        return value == 0 && nonzero ? "it is too close to zero to tell from 0 (the smallest number is about 4.9e-324)" : null;
    }

    /// <summary>
    /// A whole number within <paramref name="min"/>..<paramref name="max"/>, with its text as written
    /// (<paramref name="what"/> names its place in messages): a fraction is "expected X", a number out of range
    /// CD1007 at the literal.
    /// </summary>
    public static Parser<(long Value, string Text)> WholeNumberIn(string what, long min, long max) => input =>
    {
        var at = (ParseInput)input;
        var result = Number(at);
        if (!result.WasSuccessful)
        {
            return Result.Failure<(long, string)>(result.Remainder, result.Message, result.Expectations);
        }

        var number = result.Value;
        var fit = number.WholeNumber(out long value);
        if (fit == WholeNumberFit.NotWhole)
        {
            return ParseFailures.Expected<(long, string)>(at, $"a whole number as {what}");
        }

        if (fit == WholeNumberFit.TooLarge || value < min || value > max)
        {
            return ParseFailures.Coded<(long, string)>((ParseInput)result.Remainder, number.Span.Offset, number.Span.Length,
                DiagnosticCatalog.NumberOutOfRange.Create(number.Span, SyntaxFacts.Shorten(number.Text), $"{what} must lie between {min} and {max}"));
        }

        return Result.Success((value, number.Text), result.Remainder);
    };

    /// <summary>
    /// A component: <c>embed</c>, <c>pos_embed</c>, <c>logits</c>, <c>L1.H6</c>, <c>L1.H*</c>, <c>L0.mlp</c>,
    /// or a node/group name, each with an optional <c>.q</c>/<c>.k</c>/<c>.v</c>. No spaces inside.
    /// </summary>
    public static readonly Parser<ComponentSyntax> ComponentReference = input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        string text = at.Context.Text;
        if (token.Kind != TokenKind.Identifier)
        {
            return ParseFailures.Expected<ComponentSyntax>(at, "a component");
        }

        if (SyntaxFacts.IsLayerWord(text.AsSpan(token.Start, token.Length)))
        {
            return LayerComponent(at, token); // the common case in long lists: no substring needed
        }

        string word = token.TextIn(text);

        bool isBuiltin = SyntaxFacts.BuiltinWords.TryGetValue(word, out var builtin);
        if (!isBuiltin && !SyntaxFacts.IsValidName(word))
        {
            return ParseFailures.Expected<ComponentSyntax>(at, "a component");
        }

        var suffix = ChannelSuffix(at, token.End, out int end);
        if (suffix.Failure is not null)
        {
            return suffix.Failure;
        }

        var span = at.Context.Source.SpanBetween(token.Start, end);
        ComponentSyntax component = isBuiltin
            ? new BuiltinComponentSyntax(builtin, suffix.Channel) { Span = span }
            : new NamedComponentSyntax(new NameSyntax(word) { Span = at.Context.Source.Span(token.Start, token.Length) }, suffix.Channel) { Span = span };
        return Result.Success(component, at.At(end));
    };

    /// <summary><c>zoo:attn-only-2l</c> (letters, digits and <c>_ . : / \ -</c>) or a quoted path.</summary>
    public static readonly Parser<ModelReferenceSyntax> ModelReference = input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        string text = at.Context.Text;
        if (token.Kind == TokenKind.String)
        {
            string raw = token.TextIn(text);
            var quoted = new ModelReferenceSyntax(Unescape(raw), IsQuoted: true) { Span = at.Context.Source.Span(token.Start, token.Length) };
            return Result.Success(quoted, at.After(token));
        }

        if (token.Kind is not (TokenKind.Identifier or TokenKind.Number) || token.PrecededByNewline)
        {
            return ParseFailures.Expected<ModelReferenceSyntax>(at, "a model such as zoo:attn-only-2l or \"path/to/model\"");
        }

        int end = token.Start;
        while (end < text.Length && (Lexer.IsIdentifierPart(text[end]) || text[end] is '.' or ':' or '/' or '\\' or '-'))
        {
            end++;
        }

        var reference = new ModelReferenceSyntax(text[token.Start..end], IsQuoted: false) { Span = at.Context.Source.SpanBetween(token.Start, end) };
        return Result.Success(reference, at.At(end));
    };

    /// <summary>A C# expression: raw text to the end of the line (or further inside brackets).</summary>
    public static readonly Parser<ExpressionSyntax> Expression = input =>
    {
        var at = (ParseInput)input;
        var scan = CSharpExpressionScanner.Scan(at.Context.Source, at.Offset);
        if (scan.Error is not null)
        {
            return ParseFailures.Coded<ExpressionSyntax>(at.At(scan.Error.Span.Offset), scan.Error.Span.Length, scan.Error);
        }

        if (scan.End <= scan.Start)
        {
            return ParseFailures.Expected<ExpressionSyntax>(at.At(scan.Start), "a C# expression");
        }

        var expression = new ExpressionSyntax(at.Context.Text[scan.Start..scan.End]) { Span = at.Context.Source.SpanBetween(scan.Start, scan.End) };
        return Result.Success(expression, at.At(scan.End));
    };

    private static Parser<Token> Match(Func<string, Token, bool> predicate, string expectation) => input =>
    {
        var at = (ParseInput)input;
        var token = at.Peek();
        return predicate(at.Context.Text, token)
            ? Result.Success(token, at.After(token))
            : ParseFailures.Expected<Token>(at, expectation);
    };

    private static IResult<ComponentSyntax> LayerComponent(ParseInput at, Token token)
    {
        string text = at.Context.Text;
        int layer = SaturatingParse(text.AsSpan(token.Start + 1, token.Length - 1));
        int position = token.End;
        if (Peek(text, position) != '.')
        {
            return ParseFailures.Expected<ComponentSyntax>(at.At(position), $"'.H0', '.H*' or '.mlp' after '{token.TextIn(text)}'");
        }

        int segmentStart = position + 1;
        int segmentEnd = segmentStart;
        while (segmentEnd < text.Length && Lexer.IsIdentifierPart(text[segmentEnd]))
        {
            segmentEnd++;
        }

        var segment = text.AsSpan(segmentStart, segmentEnd - segmentStart);
        LayerPart part;
        int head = 0;
        if (segment.SequenceEqual("mlp"))
        {
            part = LayerPart.Mlp;
        }
        else if (segment.SequenceEqual("H") && Peek(text, segmentEnd) == '*')
        {
            part = LayerPart.AllHeads;
            segmentEnd++;
        }
        else if (segment.Length >= 2 && segment[0] == 'H' && !segment[1..].ContainsAnyExceptInRange('0', '9'))
        {
            part = LayerPart.Head;
            head = SaturatingParse(segment[1..]);
        }
        else
        {
            return ParseFailures.Expected<ComponentSyntax>(at.At(segmentStart), "a head such as 'H0' or 'H*', or 'mlp'");
        }

        var suffix = ChannelSuffix(at, segmentEnd, out int end);
        if (suffix.Failure is not null)
        {
            return suffix.Failure;
        }

        var component = new LayerComponentSyntax(text[token.Start..end], layer, part, head, suffix.Channel)
        {
            Span = at.Context.Source.SpanBetween(token.Start, end),
        };
        return Result.Success<ComponentSyntax>(component, at.At(end));
    }

    private static (Channel Channel, IResult<ComponentSyntax>? Failure) ChannelSuffix(ParseInput at, int position, out int end)
    {
        string text = at.Context.Text;
        end = position;
        if (Peek(text, position) != '.')
        {
            return (Channel.Output, null);
        }

        int wordEnd = position + 1;
        while (wordEnd < text.Length && Lexer.IsIdentifierPart(text[wordEnd]))
        {
            wordEnd++;
        }

        if (SyntaxFacts.ChannelWords.TryGetValue(text[(position + 1)..wordEnd], out var channel))
        {
            end = wordEnd;
            return (channel, null);
        }

        return (Channel.Output, ParseFailures.Expected<ComponentSyntax>(at.At(position + 1), "'q', 'k' or 'v'"));
    }

    private static int SaturatingParse(ReadOnlySpan<char> digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int value) ? value : int.MaxValue;

    private static char Peek(string text, int position) => position < text.Length ? text[position] : '\0';

    /// <summary>The value of a string token: quotes removed, escapes \" \\ \n \t \r resolved (others kept).</summary>
    private static string Unescape(string raw)
    {
        var inner = raw.AsSpan(1, raw.Length - 2);
        if (!inner.Contains('\\'))
        {
            return inner.ToString();
        }

        var builder = new StringBuilder(inner.Length);
        for (int i = 0; i < inner.Length; i++)
        {
            if (inner[i] == '\\' && i + 1 < inner.Length)
            {
                i++;
                builder.Append(inner[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => inner[i] });
            }
            else
            {
                builder.Append(inner[i]);
            }
        }

        return builder.ToString();
    }
}
