using System.Collections.Immutable;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// A node of the interpretation graph mapped to model components. <see cref="Computes"/> is the causal variable
/// whose value resampled inputs must agree on; null means the node keeps the reference example exactly.
/// Anonymous nodes (written inline as an input source, e.g. <c>q from embed</c>) have <see cref="IsInline"/> set
/// and a generated name.
/// </summary>
public sealed record InterpretationNode(
    string Name,
    bool IsInline,
    ImmutableArray<Component> Components,
    PositionSet Positions,
    CausalVariable? Computes,
    ImmutableArray<InterpretationInput> Inputs,
    SourceSpan Span);

/// <summary>
/// An edge: the node reads <see cref="Source"/> through <see cref="Channel"/> (q/k/v of a head, or
/// <see cref="Channel.Output"/> for the whole input). <see cref="AgreeingOn"/>, when given, replaces the source
/// node's own variable on this edge (after treeification each edge has its own copy of the source).
/// </summary>
public sealed record InterpretationInput(Channel Channel, InterpretationNode Source, PositionSet Positions, CausalVariable? AgreeingOn, SourceSpan Span)
{
    /// <summary>The variable the source's resampled input must agree on along this edge (null: exact).</summary>
    public CausalVariable? Condition => AgreeingOn ?? Source.Computes;
}

/// <summary>
/// The interpretation graph of one hypothesis: its root (the output) and every node, shared nodes shared. The engine
/// treeifies it (every path from the output gets its own copy of each node it passes through, Chan et al. 2022,
/// §3.3); the binder only bounds how large that tree is (CD2035).
/// </summary>
public sealed record InterpretationGraph(InterpretationNode Root, ImmutableArray<InterpretationNode> Nodes)
{
    /// <summary>Every component some node maps.</summary>
    public IEnumerable<Component> MappedComponents => Nodes.SelectMany(n => n.Components).Distinct();
}
