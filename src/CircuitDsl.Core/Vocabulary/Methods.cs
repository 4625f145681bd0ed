namespace CircuitDsl;

// The method choices a hypothesis states (or leaves to their defaults), shared by the language, the engine and the
// reports. The engine's README says what each one does and why the defaults are what they are.

/// <summary>What replaces an activation that is ablated (knocked out).</summary>
public enum AblationKind
{
    /// <summary>Zero.</summary>
    Zero,

    /// <summary>The mean over the counterfactual distribution (optionally per example group), per position.</summary>
    Mean,

    /// <summary>The activation on another example drawn from the data.</summary>
    Resample,
}

/// <summary>Which side of the claim a knockout ablates (<c>direction circuit|complement</c>).</summary>
public enum KnockoutDirection
{
    /// <summary>Ablate everything outside the circuit; the circuit keeps the clean input.</summary>
    Circuit,

    /// <summary>Ablate the circuit itself; everything else keeps the clean input.</summary>
    Complement,
}

/// <summary>What "0% recovered" means: the baseline a recovered fraction is measured against.</summary>
public enum BaselineKind
{
    /// <summary>Labels re-paired at random (the paren-balancer baseline of Chan et al.).</summary>
    ShuffledLabels,

    /// <summary>The whole model input resampled.</summary>
    ResampledInput,

    /// <summary>All inputs of the listed components resampled (the induction baseline of Chan et al.).</summary>
    ResampleInputsOf,
}

/// <summary>What happens to the inputs of a mapped node that no input clause maps.</summary>
public enum UnmappedInputs
{
    /// <summary>Claimed unimportant: they take their value on one random other input, shared by the node (Chan et al.).</summary>
    Resample,

    /// <summary>Not claimed unimportant: they keep the node's own datum (Redwood's other-inputs ExactSampler).</summary>
    Keep,
}

/// <summary>The unit an intervention acts on.</summary>
public enum Granularity
{
    /// <summary>Whole components (a head at every position).</summary>
    Component,

    /// <summary>Components split by position.</summary>
    Position,
}

/// <summary>The behaviour measured.</summary>
public enum MetricKind
{
    /// <summary>Next-token cross-entropy at each position p (predicting token p + 1); lower is better.</summary>
    Loss,

    /// <summary>logit(first answer) - logit(second answer); higher is better.</summary>
    LogitDiff,

    /// <summary>KL(model ‖ run) of the next-token distributions; 0 for the model itself.</summary>
    KL,

    /// <summary>Share of positions whose top prediction is the answer (or, without one, the next token).</summary>
    Accuracy,
}

/// <summary>What an expectation measures.</summary>
public enum ExpectationSubject
{
    /// <summary>Causal scrubbing of the hypothesis's interpretation graph.</summary>
    Scrub,

    /// <summary>Knock out (ablate) everything outside the hypothesis's components, or the components themselves.</summary>
    Knockout,

    /// <summary>Path patching of one path.</summary>
    Path,

    /// <summary>The unmodified model.</summary>
    Model,

    /// <summary>The hypothesis's own edges as a circuit on the edge graph, every other edge ablated (MIB's faithfulness).</summary>
    Circuit,
}
