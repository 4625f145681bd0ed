namespace CircuitDsl.Discovery.Graph;

/// <summary>
/// One edge of the model's computational graph: what <paramref name="Sender"/> writes into the residual stream as
/// <paramref name="Receiver"/> reads it. Senders are outputs (<c>embed</c>, <c>pos_embed</c>, <c>L0.H1</c>, <c>L0.mlp</c>);
/// receivers are a head's q, k or v input (<c>L1.H0.k</c>), an MLP's input (<c>L1.mlp</c>) or the logits.
/// In a per-position graph (<see cref="EdgePositions"/>) <paramref name="Position"/> names the positions the edge is
/// at: the sender writes there and the receiver reads there (a named position such as <c>S2</c>, or
/// <see cref="EdgePositions.Other"/>); null is the edge at every position.
/// </summary>
public readonly record struct Edge(Component Sender, Component Receiver, string? Position = null)
{
    /// <summary>The edge at every position that this one is a part of.</summary>
    public Edge AtAllPositions => this with { Position = null };

    /// <summary>
    /// The edge as the language writes a path: <c>L0.H0 -&gt; L1.H0.k</c>, <c>L0.H0 at S2 -&gt; L1.H0.k at S2</c>; the
    /// other-positions bucket, which the language cannot say, as <c>L0.H0 -&gt; L1.H0.k at other positions</c>.
    /// </summary>
    public override string ToString() => Position switch
    {
        null => $"{Sender} -> {Receiver}",
        EdgePositions.Other => $"{Sender} -> {Receiver} at {EdgePositions.Other}",
        _ => $"{Sender} at {Position} -> {Receiver} at {Position}",
    };
}
