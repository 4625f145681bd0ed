using System.Collections.Immutable;

namespace CircuitDsl.Interventions.Plan;

/// <summary>
/// A node of the interpretation graph: the components it maps (a group acts together), the positions it claims,
/// the variable it computes (null: it keeps its parent's datum exactly), and its inputs. A node with no inputs and
/// <see cref="UnmappedInputs.Keep"/> is a leaf: the component runs wholly on the node's datum.
/// </summary>
public sealed record InterpretationNode(
    string Name,
    ImmutableArray<Component> Components,
    PositionSet Positions,
    CausalVariable? Computes,
    ImmutableArray<InterpretationInput> Inputs,
    UnmappedInputs? Unmapped = null)
{
    public static InterpretationNode Of(string name, params Component[] components) =>
        new(name, [.. components], PositionSet.All, null, []);

    public InterpretationNode Computing(CausalVariable variable) => this with { Computes = variable };

    public InterpretationNode At(PositionSet positions) => this with { Positions = positions };

    public InterpretationNode WithUnmapped(UnmappedInputs unmapped) => this with { Unmapped = unmapped };

    /// <summary>Adds an input: this node reads <paramref name="source"/> through <paramref name="channel"/>.</summary>
    public InterpretationNode From(InterpretationNode source, Channel channel = Channel.Output, CausalVariable? agreeingOn = null, PositionSet? positions = null) =>
        this with { Inputs = Inputs.Add(new InterpretationInput(channel, source, positions ?? PositionSet.All, agreeingOn)) };

    public override string ToString() => Name;
}

/// <summary>
/// An edge: the reader reads <see cref="Source"/> through <see cref="Channel"/> (q/k/v of a head; Output means
/// the whole residual input, i.e. all of q, k and v for a head) at <see cref="Positions"/>. <see cref="AgreeingOn"/>,
/// when given, replaces the source's own variable on this edge.
/// </summary>
public sealed record InterpretationInput(Channel Channel, InterpretationNode Source, PositionSet Positions, CausalVariable? AgreeingOn)
{
    public CausalVariable? Condition => AgreeingOn ?? Source.Computes;
}

/// <summary>How the root's datum is chosen: the reference itself, or a random input scored on the reference's labels.</summary>
public enum RootSampling { Reference, Random }

/// <summary>
/// What a resampled source stands for: a whole example for a node copy (its variable read as the vector over the
/// copy's positions), or one example per node copy and position (agreeing on the variable at that position).
/// </summary>
public enum ResamplingGranularity { PerExample, PerPosition }

/// <summary>A causal-scrubbing hypothesis: an interpretation graph whose single root maps the logits.</summary>
public sealed record ScrubHypothesis(string Name, InterpretationNode Root, string? Description = null)
{
    /// <summary>One source per node copy (the default), or one per node copy and position (the language's <c>granularity position</c>).</summary>
    public ResamplingGranularity Resampling { get; init; } = ResamplingGranularity.PerExample;

    /// <summary>Default for nodes that do not say (the language's <c>unmapped</c> choice).</summary>
    public UnmappedInputs Unmapped { get; init; } = UnmappedInputs.Resample;

    public RootSampling RootSampling { get; init; } = RootSampling.Reference;

    /// <summary>
    /// The hypothesis of a set of nodes as the binder hands them over: exactly one node that no other reads,
    /// and it maps the logits. Zero or several roots is an error naming them.
    /// </summary>
    public static ScrubHypothesis FromNodes(string name, IReadOnlyCollection<InterpretationNode> nodes, string? description = null)
    {
        var read = nodes.SelectMany(n => n.Inputs.Select(i => i.Source)).ToHashSet(ReferenceEqualityComparer.Instance);
        var roots = nodes.Where(n => !read.Contains(n)).ToArray();
        if (roots.Length != 1)
            throw new HypothesisException(name, roots.Length == 0
                ? "the interpretation graph has no root (every node is read by another: a cycle)"
                : $"the interpretation graph has {roots.Length} roots ({string.Join(", ", roots.Select(r => r.Name))}); exactly one node, the logits, may be read by no other");
        return new ScrubHypothesis(name, roots[0], description);
    }
}

/// <summary>A hypothesis that is not well formed; the message names the hypothesis and the node.</summary>
public sealed class HypothesisException(string hypothesis, string message) : Exception($"hypothesis '{hypothesis}': {message}")
{
    public string Hypothesis { get; } = hypothesis;
}
