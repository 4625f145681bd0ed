namespace CircuitDsl;

/// <summary>
/// One edge of a circuit on the edge graph: what <paramref name="Sender"/> (an output: <c>embed</c>, <c>L0.H0</c>,
/// <c>L0.mlp</c>) writes into the residual stream as <paramref name="Receiver"/> (a head's q, k or v input, an MLP's
/// input, or the logits) reads it, at every position.
/// </summary>
public readonly record struct CircuitEdge(Component Sender, Component Receiver)
{
    /// <summary>The edge as the language writes a path: <c>L0.H0 -&gt; L1.H0.k</c>.</summary>
    public override string ToString() => $"{Sender} -> {Receiver}";
}
