namespace CircuitDsl.Language.Syntax;

/// <summary>The lexical classes of the .circuit language.</summary>
public enum TokenKind
{
    /// <summary>Letters, digits and underscores, not starting with a digit (keywords are identifiers too).</summary>
    Identifier,

    /// <summary>Digits with an optional fraction and exponent, no sign: 0, 512, 0.90, 1e-3.</summary>
    Number,

    /// <summary>A double-quoted string on one line.</summary>
    String,

    /// <summary>An operator or bracket: { } ( ) [ ] , : . = -> >= &lt;= > &lt; + - * %.</summary>
    Punctuation,

    /// <summary>The end of the text.</summary>
    EndOfFile,

    /// <summary>A string that reaches the end of its line without a closing quote.</summary>
    UnterminatedString,

    /// <summary>A block comment that reaches the end of the file without '*/'.</summary>
    UnterminatedComment,

    /// <summary>A character the language has no use for.</summary>
    Unknown,
}

/// <summary>
/// One token: its kind and where it lies. <see cref="PrecededByNewline"/> tells whether the trivia before it
/// (whitespace and comments) holds a line break, which is how statements end.
/// </summary>
public readonly record struct Token(TokenKind Kind, int Start, int Length, bool PrecededByNewline)
{
    /// <summary>The offset just past the token.</summary>
    public int End => Start + Length;

    /// <summary>The token's text in a source.</summary>
    public string TextIn(string source) => source.Substring(Start, Length);

    /// <summary>True when the token is the given punctuation.</summary>
    public bool Is(string source, string punctuation) =>
        Kind == TokenKind.Punctuation && Length == punctuation.Length && string.CompareOrdinal(source, Start, punctuation, 0, Length) == 0;

    /// <summary>True when the token is an identifier with the given text (keywords are identifiers).</summary>
    public bool IsWord(string source, string word) =>
        Kind == TokenKind.Identifier && Length == word.Length && string.CompareOrdinal(source, Start, word, 0, Length) == 0;
}

/// <summary>A comment found in trivia; the formatter keeps every one.</summary>
public sealed record Comment(string Text, int Start, bool IsBlock)
{
    /// <summary>The offset just past the comment.</summary>
    public int End => Start + Text.Length;
}
