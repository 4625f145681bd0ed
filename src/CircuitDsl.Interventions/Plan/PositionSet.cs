using System.Collections.Immutable;
using System.Globalization;
using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Interventions.Plan;

/// <summary>One way to pick positions: every position, a fixed index (negative counts from the end), or a
/// position the data names per example (END, S2, repeated) shifted by an offset.</summary>
public abstract record PositionSelector
{
    /// <summary>The positions this selector picks in <paramref name="example"/>, possibly out of range.</summary>
    internal abstract IEnumerable<int> Pick(Example example);

    /// <summary>False when the picked positions depend on the example (a named position, or a set built from one).</summary>
    internal virtual bool IsFixed => true;
}

public sealed record AllPositions : PositionSelector
{
    internal override IEnumerable<int> Pick(Example example) => Enumerable.Range(0, example.Length);
    public override string ToString() => "all";
}

public sealed record IndexPosition(int Index) : PositionSelector
{
    internal override IEnumerable<int> Pick(Example example) => [Index < 0 ? example.Length + Index : Index];
    public override string ToString() => Index.ToString(CultureInfo.InvariantCulture);
}

public sealed record NamedPosition(string Name, int Offset = 0) : PositionSelector
{
    internal override IEnumerable<int> Pick(Example example) => example.NamedPositions(Name).Select(p => p + Offset);
    internal override bool IsFixed => false;
    public override string ToString() => Name + (Offset == 0 ? "" : Offset > 0 ? $"+{Offset}" : $"{Offset}");
}

/// <summary>A union of position selectors. Positions that fall outside an example are dropped.</summary>
public sealed record PositionSet(ImmutableArray<PositionSelector> Selectors)
{
    public static PositionSet All { get; } = new([new AllPositions()]);

    public static PositionSet At(params int[] indices) => new([.. indices.Select(i => (PositionSelector)new IndexPosition(i))]);

    public static PositionSet Named(string name, int offset = 0) => new([new NamedPosition(name, offset)]);

    public bool IsAll => Selectors.Any(s => s is AllPositions);

    /// <summary>True when the positions are the same for every example of a given length.</summary>
    public bool IsFixed => Selectors.All(s => s.IsFixed);

    /// <summary>The sorted, distinct in-range positions of <paramref name="example"/>.</summary>
    public int[] Resolve(Example example) =>
        IsAll ? Enumerable.Range(0, example.Length).ToArray()
              : Selectors.SelectMany(s => s.Pick(example)).Where(p => p >= 0 && p < example.Length).Distinct().Order().ToArray();

    public PositionSet Intersect(PositionSet other) =>
        IsAll ? other : other.IsAll ? this : new([new IntersectionSelector(this, other)]);

    /// <summary>Every position of this set that <paramref name="other"/> does not hold (knockout per position keeps a node's own positions).</summary>
    public PositionSet Except(PositionSet other) => new([new DifferenceSelector(this, other)]);

    public override string ToString() => string.Join(", ", Selectors);

    sealed record IntersectionSelector(PositionSet Left, PositionSet Right) : PositionSelector
    {
        internal override IEnumerable<int> Pick(Example example) => Left.Resolve(example).Intersect(Right.Resolve(example));
        internal override bool IsFixed => Left.IsFixed && Right.IsFixed;
        public override string ToString() => $"({Left}) & ({Right})";
    }

    sealed record DifferenceSelector(PositionSet Left, PositionSet Right) : PositionSelector
    {
        internal override IEnumerable<int> Pick(Example example) => Left.Resolve(example).Except(Right.Resolve(example));
        internal override bool IsFixed => Left.IsFixed && Right.IsFixed;
        public override string ToString() => $"({Left}) except ({Right})";
    }

    // Records compare ImmutableArray by reference; compare the selectors instead.
    public bool Equals(PositionSet? other) => other is not null && Selectors.SequenceEqual(other.Selectors);
    public override int GetHashCode() => Selectors.Aggregate(17, (h, s) => h * 31 + s.GetHashCode());
}
