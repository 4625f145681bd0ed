using Sprache;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// State shared by every <see cref="ParseInput"/> of one parse: the text, a cache of tokens by scan offset
/// (Sprache retries alternatives at the same place, so each token is lexed once) and the comments seen.
/// </summary>
internal sealed class ParseContext
{
    // Alternatives are retried at the same few offsets, so a small direct-mapped cache catches the repeats
    // without growing with the file.
    private const int CacheSize = 64;
    private readonly (int Offset, Token Token)[] _tokens = new (int, Token)[CacheSize];
    private readonly List<Comment> _comments = [];
    private readonly Action<Comment> _onComment;

    public ParseContext(SourceText source)
    {
        Source = source;
        _onComment = AddComment;
        Array.Fill(_tokens, (-1, default));
    }

    public SourceText Source { get; }

    public string Text => Source.Text;

    /// <summary>Comments met while skipping trivia, in file order.</summary>
    public IReadOnlyList<Comment> Comments => _comments;

    /// <summary>Keeps comments sorted and unique; they almost always arrive in file order, so this appends.</summary>
    private void AddComment(Comment comment)
    {
        if (_comments.Count == 0 || comment.Start > _comments[^1].Start)
        {
            _comments.Add(comment);
            return;
        }

        int index = _comments.BinarySearch(comment, Comparer<Comment>.Create((a, b) => a.Start.CompareTo(b.Start)));
        if (index < 0)
        {
            _comments.Insert(~index, comment);
        }
    }

    /// <summary>The next token at or after a scan offset.</summary>
    public Token TokenAt(int offset)
    {
        ref var slot = ref _tokens[offset % CacheSize];
        if (slot.Offset != offset)
        {
            slot = (offset, Lexer.Next(Text, offset, _onComment));
        }

        return slot.Token;
    }
}

/// <summary>
/// Sprache's view of the text. An input sits at a scan offset, normally just past the last consumed token;
/// the token primitives skip trivia from there. Inputs also carry <see cref="Pending"/> expectations: what
/// optional parts could have matched here but did not, so that a later failure at the same offset can say
/// "expected 'at', 'computes' or end of line" instead of only the last alternative tried.
/// </summary>
internal sealed class ParseInput : IInput
{
    private Dictionary<object, object>? _memos;

    public ParseInput(ParseContext context, int offset, IReadOnlyList<string>? pending = null)
    {
        Context = context;
        Offset = offset;
        Pending = pending ?? [];
    }

    public ParseContext Context { get; }

    public int Offset { get; }

    public IReadOnlyList<string> Pending { get; }

    /// <summary>The next token (after trivia).</summary>
    public Token Peek() => Context.TokenAt(Offset);

    /// <summary>The input just past a token, with no pending expectations.</summary>
    public ParseInput After(Token token) => new(Context, token.End);

    /// <summary>The input at an offset, with no pending expectations.</summary>
    public ParseInput At(int offset) => new(Context, offset);

    /// <summary>This input with more pending expectations.</summary>
    public ParseInput WithPending(IEnumerable<string> expectations) =>
        new(Context, Offset, [.. Pending.Concat(expectations).Distinct(StringComparer.Ordinal)]);

    /// <summary>This input with no pending expectations (a statement has ended).</summary>
    public ParseInput WithoutPending() => Pending.Count == 0 ? this : new(Context, Offset);

    /// <summary>Expected items for a failure here: the pending ones, then <paramref name="expectation"/>.</summary>
    public IEnumerable<string> Expecting(string expectation) => [.. Pending, expectation];

    // ---- IInput ----

    public string Source => Context.Text;

    public char Current => Offset < Context.Text.Length ? Context.Text[Offset] : '\0';

    public bool AtEnd => Offset >= Context.Text.Length;

    public int Position => Offset;

    public int Line => Context.Source.GetLineColumn(Offset).Line;

    public int Column => Context.Source.GetLineColumn(Offset).Column;

    public IDictionary<object, object> Memos => _memos ??= [];

    public IInput Advance()
    {
        if (AtEnd)
        {
            throw new InvalidOperationException("Cannot advance past the end of the input.");
        }

        return new ParseInput(Context, Offset + 1);
    }

    public bool Equals(IInput? other) => other is ParseInput input && input.Context == Context && input.Offset == Offset;

    public override bool Equals(object? obj) => obj is IInput other && Equals(other);

    public override int GetHashCode() => Offset;

    public override string ToString() => $"offset {Offset}";
}
