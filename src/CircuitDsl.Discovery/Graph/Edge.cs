namespace CircuitDsl.Discovery.Graph;

/// <summary>
/// One edge of the model's computational graph: what <paramref name="Sender"/> writes into the residual stream as
/// <paramref name="Receiver"/> reads it. Senders are outputs (<c>embed</c>, <c>pos_embed</c>, <c>L0.H1</c>, <c>L0.mlp</c>);
/// receivers are a head's q, k or v input (<c>L1.H0.k</c>), an MLP's input (<c>L1.mlp</c>) or the logits.
/// </summary>
public readonly record struct Edge(Component Sender, Component Receiver)
{
    /// <summary>The edge as the language writes a path: <c>L0.H0 -&gt; L1.H0.k</c>.</summary>
    public override string ToString() => $"{Sender} -> {Receiver}";
}
