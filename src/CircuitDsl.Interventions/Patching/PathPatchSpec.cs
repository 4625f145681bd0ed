using System.Collections.Immutable;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Patching;

/// <summary>A component at some positions: a sender (head output, MLP, embedding) or a receiver (a head's q/k/v input, or the logits).</summary>
public sealed record PatchEndpoint(Component Component, PositionSet Positions)
{
    public static PatchEndpoint At(Component component, PositionSet? positions = null) => new(component, positions ?? PositionSet.All);

    public override string ToString() => Positions.IsAll ? Component.ToString() : $"{Component} at {Positions}";
}

/// <summary>
/// Path patching (Wang et al. 2022, Algorithm 1): the senders' outputs on x_new reach the receivers along direct
/// paths only (through the residual stream and the MLPs, never through another head); receivers are the q, k or v
/// inputs of heads, or the logits (the final residual stream). MLPs and LayerNorm are recomputed unless frozen.
/// </summary>
public sealed record PathPatchSpec(ImmutableArray<PatchEndpoint> Senders, ImmutableArray<PatchEndpoint> Receivers)
{
    public bool FreezeMlps { get; init; }
    public bool FreezeLayerNorm { get; init; }

    public static PathPatchSpec Of(IEnumerable<PatchEndpoint> senders, params PatchEndpoint[] receivers) => new([.. senders], [.. receivers]);

    public bool ToLogits => Receivers.Length == 1 && Receivers[0].Component.Kind == ComponentKind.Logits;

    public override string ToString() =>
        $"{(Senders.IsEmpty ? "(no senders)" : string.Join(", ", Senders))} -> {string.Join(", ", Receivers)}";
}
