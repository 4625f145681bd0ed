using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Tests.KnownCircuits;

/// <summary>
/// Hypotheses about the shipped 2-layer induction model (previous-token head L0.H0; induction heads L1.H0, L1.H1),
/// built the way the compiler's generated code builds them.
/// </summary>
internal static class InductionHypotheses
{
    public static readonly CausalVariable Token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
    public static readonly CausalVariable PrevToken = CausalVariable.Of("prev_token", x => x.Tokens[x.Pos - 1]);
    public static readonly CausalVariable NextToken = CausalVariable.Of("next_token", x => x.Tokens[x.Pos + 1]);

    public static readonly Component[] InductionHeads = [Component.Head(1, 0), Component.Head(1, 1)];
    public static MetricSpec Metric => MetricSpec.Loss(PositionSet.Named("repeated"));
    public static ScrubBaseline Baseline => ScrubBaseline.ResampleInputsOf(InductionHeads);

    static InterpretationNode Embed(string name) => InterpretationNode.Of(name, Component.Embed);

    /// <summary>
    /// "The induction heads' keys come from the previous-token head, their queries and values from the token
    /// embeddings": every other input of the induction heads (and of the previous-token head) is resampled.
    /// </summary>
    public static ScrubHypothesis Naive(Component keySource)
    {
        var prevHead = InterpretationNode.Of("prev_head", keySource).Computing(PrevToken).From(Embed("embed→prev"), agreeingOn: PrevToken);
        var induction = InterpretationNode.Of("induction", InductionHeads).Computing(NextToken)
            .From(Embed("embed→q"), Channel.Query, Token)
            .From(prevHead, Channel.Key)
            .From(Embed("embed→v"), Channel.Value, Token);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction);
        return new ScrubHypothesis($"naive (k from {keySource})", root);
    }

    /// <summary>The naive hypothesis plus extra exact inputs of the induction heads (channel, components).</summary>
    public static ScrubHypothesis NaivePlus(string name, params (Channel Channel, Component Component)[] extra)
    {
        var prevHead = InterpretationNode.Of("prev_head", Component.Head(0, 0)).Computing(PrevToken).From(Embed("embed→prev"), agreeingOn: PrevToken);
        var induction = InterpretationNode.Of("induction", InductionHeads).Computing(NextToken)
            .From(Embed("embed→q"), Channel.Query, Token)
            .From(prevHead, Channel.Key)
            .From(Embed("embed→v"), Channel.Value, Token);
        foreach (var (channel, component) in extra)
            induction = induction.From(InterpretationNode.Of($"{component}→{channel}", component), channel);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction);
        return new ScrubHypothesis(name, root);
    }

    /// <summary>
    /// The refinement the shipped model's numbers support (Chan et al.'s refinement (b)): the values also read the
    /// layer-0 heads' output at the key position. <paramref name="keySource"/> null drops the key path.
    /// </summary>
    public static ScrubHypothesis Refined(Component? keySource = null, bool dropKeyPath = false)
    {
        var induction = InterpretationNode.Of("induction", InductionHeads).Computing(NextToken)
            .From(Embed("embed→q"), Channel.Query, Token)
            .From(Embed("embed→v"), Channel.Value, Token)
            .From(InterpretationNode.Of("layer0→v", Component.Head(0, 0), Component.Head(0, 1)), Channel.Value);
        if (!dropKeyPath)
            induction = induction.From(InterpretationNode.Of("prev_head", keySource ?? Component.Head(0, 0))
                .Computing(PrevToken).From(Embed("embed→prev"), agreeingOn: PrevToken), Channel.Key);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction);
        string name = dropKeyPath ? "refined without the key path" : $"refined (k from {keySource ?? Component.Head(0, 0)})";
        return new ScrubHypothesis(name, root);
    }
}
