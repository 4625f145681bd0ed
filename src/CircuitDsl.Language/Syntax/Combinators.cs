using System.Collections.Immutable;
using Sprache;

namespace CircuitDsl.Language.Syntax;

/// <summary>
/// The few combinators Sprache lacks for good errors. Like Sprache's X-combinators they fail when an element
/// consumed input and then failed (no silent backtracking), and unlike Sprache's they remember what an
/// optional part expected, as <see cref="ParseInput.Pending"/>, for the next failure at the same place.
/// </summary>
internal static class Combinators
{
    /// <summary>The parser's value, or <paramref name="fallback"/> when it fails without consuming input.</summary>
    public static Parser<T> OptOr<T>(this Parser<T> parser, T fallback) => input =>
    {
        var result = parser(input);
        if (result.WasSuccessful || Consumed(input, result))
        {
            return result;
        }

        return Result.Success(fallback, ((ParseInput)input).WithPending(result.Expectations));
    };

    /// <summary>The parser's value, or null when it fails without consuming input.</summary>
    public static Parser<T?> Opt<T>(this Parser<T> parser)
        where T : class => OptOr<T?>(parser, null);

    /// <summary>Zero or more; stops when an element fails without consuming input.</summary>
    public static Parser<ImmutableArray<T>> Many0<T>(this Parser<T> parser) => input =>
    {
        var items = ImmutableArray.CreateBuilder<T>();
        var current = input;
        while (true)
        {
            var result = parser(current);
            if (!result.WasSuccessful)
            {
                return Consumed(current, result)
                    ? Result.Failure<ImmutableArray<T>>(result.Remainder, result.Message, result.Expectations)
                    : Result.Success(items.ToImmutable(), ((ParseInput)current).WithPending(result.Expectations));
            }

            if (result.Remainder.Equals(current))
            {
                return Result.Success(items.ToImmutable(), current); // an empty match would loop forever
            }

            items.Add(result.Value);
            current = result.Remainder;
        }
    };

    /// <summary>
    /// One or more, separated by <paramref name="separator"/>; after a separator an item must follow. A plain
    /// loop rather than a LINQ query: lists can hold a hundred thousand items.
    /// </summary>
    public static Parser<ImmutableArray<T>> SeparatedBy<T>(this Parser<T> parser, Parser<Token> separator) => input =>
    {
        var first = parser(input);
        if (!first.WasSuccessful)
        {
            return Result.Failure<ImmutableArray<T>>(first.Remainder, first.Message, first.Expectations);
        }

        var items = ImmutableArray.CreateBuilder<T>();
        items.Add(first.Value);
        var current = first.Remainder;
        while (true)
        {
            var comma = separator(current);
            if (!comma.WasSuccessful)
            {
                return Result.Success(items.ToImmutable(), ((ParseInput)current).WithPending(comma.Expectations));
            }

            var item = parser(comma.Remainder);
            if (!item.WasSuccessful)
            {
                return Result.Failure<ImmutableArray<T>>(item.Remainder, item.Message, item.Expectations);
            }

            items.Add(item.Value);
            current = item.Remainder;
        }
    };

    /// <summary>On a failure without consumed input, replaces what the parser expected by one description.</summary>
    public static Parser<T> Expecting<T>(this Parser<T> parser, string description) => input =>
    {
        var result = parser(input);
        return result.WasSuccessful || Consumed(input, result)
            ? result
            : ParseFailures.Expected<T>((ParseInput)input, description);
    };

    /// <summary>Sets the node's span to the tokens the parser consumed (without surrounding trivia).</summary>
    public static Parser<T> Spanned<T>(this Parser<T> parser)
        where T : SyntaxNode => input =>
    {
        var result = parser(input);
        if (!result.WasSuccessful)
        {
            return result;
        }

        var start = (ParseInput)input;
        var end = (ParseInput)result.Remainder;
        int startOffset = start.Peek().Start;
        var span = start.Context.Source.SpanBetween(startOffset, Math.Max(startOffset, end.Offset));
        return Result.Success(result.Value.WithSpan(span), result.Remainder);
    };

    private static bool Consumed<T>(IInput input, IResult<T> result) => !result.Remainder.Equals(input);
}
