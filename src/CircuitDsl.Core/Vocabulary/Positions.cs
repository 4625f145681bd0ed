using System.Collections.Immutable;
using System.Globalization;

namespace CircuitDsl;

/// <summary>
/// One way to pick positions: every position, a fixed index (negative counts from the end), a position the data
/// names per example (END, S2, repeated) shifted by an offset, or the intersection or difference of two sets. Only
/// the engine resolves selectors against an example; here they are values that compare structurally.
/// </summary>
public abstract record PositionSelector;

/// <summary>Every position.</summary>
public sealed record AllPositions : PositionSelector
{
    /// <inheritdoc />
    public override string ToString() => "all";
}

/// <summary>A fixed position; negative counts from the end (-1 is the last token).</summary>
public sealed record IndexPosition(int Index) : PositionSelector
{
    /// <inheritdoc />
    public override string ToString() => Index.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The positions an example names <paramref name="Name"/>, each shifted by <paramref name="Offset"/>.</summary>
public sealed record NamedPosition(string Name, int Offset = 0) : PositionSelector
{
    /// <inheritdoc />
    public override string ToString() => Name + (Offset == 0 ? "" : Offset > 0 ? $"+{Offset}" : $"{Offset}");
}

/// <summary>The positions both sets hold.</summary>
public sealed record IntersectionPositions(PositionSet Left, PositionSet Right) : PositionSelector
{
    /// <inheritdoc />
    public override string ToString() => $"({Left}) & ({Right})";
}

/// <summary>The positions of <paramref name="Left"/> that <paramref name="Right"/> does not hold.</summary>
public sealed record DifferencePositions(PositionSet Left, PositionSet Right) : PositionSelector
{
    /// <inheritdoc />
    public override string ToString() => $"({Left}) except ({Right})";
}

/// <summary>
/// A union of position selectors: where a claim, a metric or an intervention acts. No <c>at</c> clause means
/// <see cref="All"/>. Positions that fall outside an example are dropped when the engine resolves the set.
/// </summary>
public sealed record PositionSet(ImmutableArray<PositionSelector> Selectors)
{
    /// <summary>Every position (no <c>at</c> clause).</summary>
    public static PositionSet All { get; } = new([new AllPositions()]);

    /// <summary>Fixed positions.</summary>
    public static PositionSet At(params int[] indices) => new([.. indices.Select(i => (PositionSelector)new IndexPosition(i))]);

    /// <summary>The positions an example names, shifted by <paramref name="offset"/>.</summary>
    public static PositionSet Named(string name, int offset = 0) => new([new NamedPosition(name, offset)]);

    /// <summary>True when the set covers every position.</summary>
    public bool IsAll => Selectors.Any(s => s is AllPositions);

    /// <summary>The positions both sets hold.</summary>
    public PositionSet Intersect(PositionSet other) =>
        IsAll ? other : other.IsAll ? this : new([new IntersectionPositions(this, other)]);

    /// <summary>Every position of this set that <paramref name="other"/> does not hold (knockout per position keeps a node's own positions).</summary>
    public PositionSet Except(PositionSet other) => new([new DifferencePositions(this, other)]);

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Selectors);

    // Records compare ImmutableArray by reference; compare the selectors instead.

    /// <inheritdoc />
    public bool Equals(PositionSet? other) => other is not null && Selectors.SequenceEqual(other.Selectors);

    /// <inheritdoc />
    public override int GetHashCode() => Selectors.Aggregate(17, (h, s) => (h * 31) + s.GetHashCode());
}
