using System.Collections.Immutable;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// One copy of an interpretation node in the treeified hypothesis: each path from the root reaches its own copy,
/// which gets its own datum (Chan et al. §1.3). <see cref="Condition"/> is the variable its datum must share with
/// its parent's datum (null: the parent's datum itself); <see cref="EdgePositions"/> are the positions at which the
/// parent reads it (the edge's positions within the node's own); <see cref="Via"/> is the parent's input channel.
/// </summary>
public sealed record ScrubTreeNode(
    string Path,
    InterpretationNode Node,
    Channel Via,
    PositionSet EdgePositions,
    CausalVariable? Condition,
    UnmappedInputs Unmapped,
    ImmutableArray<ScrubTreeNode> Children)
{
    public ImmutableArray<Component> Components => Node.Components;

    /// <summary>True when some input of the node runs on the shared random other-inputs datum.</summary>
    public bool DrawsOtherInputs => Unmapped == UnmappedInputs.Resample;

    /// <summary>
    /// True when the parent reads this copy at every key position of each query (a head's k or v), rather than at
    /// the one position it computes (a head's q, an MLP, the logits).
    /// </summary>
    public bool ReadAcrossPositions => Via is Channel.Key or Channel.Value;

    public IEnumerable<ScrubTreeNode> PreOrder() => Children.SelectMany(c => c.PreOrder()).Prepend(this);

    public override string ToString() => Path;
}

/// <summary>A treeified hypothesis: its root maps the logits.</summary>
public sealed record ScrubTree(string Name, ScrubTreeNode Root, RootSampling RootSampling)
{
    /// <summary>One source per node copy, or per node copy and position (<see cref="PositionSampler"/>).</summary>
    public ResamplingGranularity Resampling { get; init; } = ResamplingGranularity.PerExample;

    public IReadOnlyList<ScrubTreeNode> Nodes { get; } = Root.PreOrder().ToArray();
}
