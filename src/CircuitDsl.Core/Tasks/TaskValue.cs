using System.Collections.Immutable;
using System.Globalization;

namespace CircuitDsl;

/// <summary>
/// One typed argument of a <see cref="TaskRequest"/>: a whole number, a choice, a file path or a list of names.
/// The cases are closed (the constructor is private), so a reader switches over exactly these four.
/// </summary>
public abstract record TaskValue
{
    private TaskValue()
    {
    }

    /// <summary>What kind of value this is, for messages: "a whole number", "a choice".</summary>
    public abstract string KindName { get; }

    /// <summary>The value as a message shows it: <c>the whole number 5</c>, <c>the choice 'abba'</c>.</summary>
    public abstract string Describe();

    /// <summary>A whole number (counts, lengths, seeds), exactly as written.</summary>
    /// <param name="Value">The number.</param>
    public sealed record WholeNumber(long Value) : TaskValue
    {
        /// <summary>How messages name this kind.</summary>
        public const string Kind = "a whole number";

        /// <inheritdoc />
        public override string KindName => Kind;

        /// <inheritdoc />
        public override string Describe() => "the whole number " + Value.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>One of a parameter's choices, written as a bare name.</summary>
    /// <param name="Value">The chosen name.</param>
    public sealed record Choice(string Value) : TaskValue
    {
        /// <summary>How messages name this kind.</summary>
        public const string Kind = "a choice";

        /// <inheritdoc />
        public override string KindName => Kind;

        /// <inheritdoc />
        public override string Describe() => $"the choice '{Value}'";
    }

    /// <summary>A data file's path, as the binder resolved it.</summary>
    /// <param name="Path">The path.</param>
    public sealed record FilePath(string Path) : TaskValue
    {
        /// <summary>How messages name this kind.</summary>
        public const string Kind = "a file path";

        /// <inheritdoc />
        public override string KindName => Kind;

        /// <inheritdoc />
        public override string Describe() => $"the file path \"{Path}\"";
    }

    /// <summary>A list of names: <c>[END, S2]</c>.</summary>
    /// <param name="Items">The names, in order.</param>
    public sealed record Names(ImmutableArray<string> Items) : TaskValue
    {
        /// <summary>How messages name this kind.</summary>
        public const string Kind = "a list of names";

        /// <inheritdoc />
        public override string KindName => Kind;

        /// <inheritdoc />
        public override string Describe() => $"the names [{string.Join(", ", Items)}]";

        /// <summary>Equal when the names are, in order (an ImmutableArray alone compares by reference).</summary>
        public bool Equals(Names? other) => other is not null && Items.SequenceEqual(other.Items);

        /// <inheritdoc />
        public override int GetHashCode() => Items.Aggregate(0, (hash, item) => HashCode.Combine(hash, item));
    }
}
