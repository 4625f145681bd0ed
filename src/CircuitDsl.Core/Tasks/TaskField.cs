namespace CircuitDsl;

/// <summary>A per-example member that causal-variable expressions can use on <c>x</c>.</summary>
/// <param name="Signature">The member as C# declares it (<c>int Pos</c>, <c>int Position(string name)</c>).</param>
/// <param name="Description">What the member means.</param>
public sealed record TaskField(string Signature, string Description);
