using System.Collections.Immutable;

namespace CircuitDsl;

/// <summary>One step of a path: components (a group acts together) at positions.</summary>
public sealed record PathHop(ImmutableArray<Component> Components, PositionSet Positions)
{
    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Components) + (Positions.IsAll ? string.Empty : " at " + Positions);

    /// <inheritdoc />
    public bool Equals(PathHop? other) => other is not null && Components.SequenceEqual(other.Components) && Positions.Equals(other.Positions);

    /// <inheritdoc />
    public override int GetHashCode() => Components.Aggregate(Positions.GetHashCode(), (h, c) => (h * 31) + c.GetHashCode());
}

/// <summary>A chain of components through the residual stream, first sender to final receiver (<c>L0.H0 -&gt; L1.H0.k</c>).</summary>
public sealed record CircuitPath(ImmutableArray<PathHop> Hops)
{
    /// <summary>The first step: what sends.</summary>
    public PathHop Senders => Hops[0];

    /// <summary>The second step: what receives the senders' effect directly.</summary>
    public PathHop Receivers => Hops[1];

    /// <inheritdoc />
    public override string ToString() => string.Join(" -> ", Hops);

    /// <inheritdoc />
    public bool Equals(CircuitPath? other) => other is not null && Hops.SequenceEqual(other.Hops);

    /// <inheritdoc />
    public override int GetHashCode() => Hops.Aggregate(17, (h, hop) => (h * 31) + hop.GetHashCode());
}
