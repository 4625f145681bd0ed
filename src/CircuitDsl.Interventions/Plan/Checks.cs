using System.Collections.Immutable;
using CircuitDsl.Interventions.Patching;

namespace CircuitDsl.Interventions.Plan;

/// <summary>One measurement of an experiment, with an optional expectation on one of its statistics.</summary>
public abstract record Check(string Name)
{
    public Expectation? Expect { get; init; }
}

/// <summary>The metric of the unmodified model.</summary>
public sealed record ModelCheck(string Name) : Check(Name);

/// <summary>Causal scrubbing of a hypothesis against an explicit baseline (what 0% recovered means).</summary>
public sealed record ScrubCheck(string Name, ScrubHypothesis Hypothesis, ScrubBaseline Baseline) : Check(Name);

/// <summary>Path patching of one sender set into one receiver set (x_orig = reference, x_new = its counterfactual).</summary>
public sealed record PathPatchCheck(string Name, PathPatchSpec Spec) : Check(Name)
{
    /// <summary>What the senders take (x_new unless a sensitivity run asks for another source).</summary>
    public SenderValues SenderValues { get; init; } = SenderValues.Counterfactual;
}

/// <summary>Each sender on its own against the same receivers (the "which heads matter" sweep); one result per sender.</summary>
public sealed record PathSweepCheck(string Name, ImmutableArray<PatchEndpoint> Senders, PathPatchSpec Receivers) : Check(Name);

/// <summary>Which run receives the patched activation.</summary>
public enum PatchDirection
{
    /// <summary>Clean activations into the corrupted run ("denoising"): how much behaviour they restore.</summary>
    CleanIntoCorrupted,
    /// <summary>Corrupted activations into the clean run ("noising"): how much behaviour they destroy.</summary>
    CorruptedIntoClean,
}

/// <summary>Activation patching of components (all together) at their positions.</summary>
public sealed record ActivationPatchCheck(string Name, ImmutableArray<PatchEndpoint> Components, PatchDirection Direction) : Check(Name);

/// <summary>Where resampled values come from: the example's own counterfactual, or a seeded random pool example.</summary>
public enum ResamplePairing { Paired, Shuffled }

/// <summary>An ablation method, stated in full so that reports can echo it.</summary>
public sealed record AblationMethod(AblationKind Kind, bool MeanPerGroup = false, ResamplePairing Pairing = ResamplePairing.Shuffled)
{
    public override string ToString() => Kind switch
    {
        AblationKind.Mean => MeanPerGroup ? "mean per group over the pool, per position" : "mean over the pool, per position",
        AblationKind.Resample => Pairing == ResamplePairing.Paired ? "resample (paired counterfactual)" : "resample (shuffled pool)",
        _ => "zero",
    };
}

/// <summary>Ablation (knockout) of components at positions, in the clean run.</summary>
public sealed record AblationCheck(string Name, ImmutableArray<PatchEndpoint> Components, AblationMethod Method) : Check(Name);

/// <summary>What "0% recovered" means for causal scrubbing. It is part of the claim and every report names it.</summary>
public abstract record ScrubBaseline
{
    /// <summary>Every input of these components resampled (one shared random input), the rest of the model clean (Chan et al.'s induction baseline).</summary>
    public static ScrubBaseline ResampleInputsOf(params Component[] components) => new ResampleInputsBaseline([.. components]);

    /// <summary>The model run on a random input, scored on the reference's labels (Redwood's root UncondSampler).</summary>
    public static ScrubBaseline ResampledInput { get; } = new RandomInputBaseline("resampled input");

    /// <summary>Labels re-paired at random (the paren-balancer baseline); computed as <see cref="ResampledInput"/>, which is how Redwood's code implements it.</summary>
    public static ScrubBaseline ShuffledLabels { get; } = new RandomInputBaseline("shuffled labels");

    /// <summary>The baseline as a hypothesis of its own.</summary>
    public abstract ScrubHypothesis AsHypothesis();
}

public sealed record ResampleInputsBaseline(ImmutableArray<Component> Components) : ScrubBaseline
{
    public override ScrubHypothesis AsHypothesis()
    {
        var node = InterpretationNode.Of("baseline", [.. Components]).WithUnmapped(UnmappedInputs.Resample);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(node);
        return new ScrubHypothesis(ToString(), root);
    }

    public override string ToString() => $"resample all inputs of {string.Join(", ", Components)}";
}

public sealed record RandomInputBaseline(string Label) : ScrubBaseline
{
    public override ScrubHypothesis AsHypothesis() =>
        new(Label, InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep)) { RootSampling = RootSampling.Random };

    public override string ToString() => Label;
}

/// <summary>
/// MIB's circuit faithfulness of <see cref="Edges"/> on the edge graph: (m(C) − m(∅)) / (m(N) − m(∅)), every edge
/// outside C ablated at every position (m(N) the model, m(∅) every edge ablated). <see cref="Ablation"/> says what an
/// ablated edge carries: <see cref="AblationKind.Resample"/> is counterfactual patching (its sender's write on x_new,
/// chosen as every check chooses it), <see cref="AblationKind.Mean"/> the sender's mean write over the pool per
/// position, <see cref="AblationKind.Zero"/> zero. The engine measures it through an <see cref="Execution.ICircuitEvaluator"/>.
/// </summary>
public sealed record CircuitFaithfulnessCheck(string Name, ImmutableArray<CircuitEdge> Edges, AblationKind Ablation) : Check(Name);
