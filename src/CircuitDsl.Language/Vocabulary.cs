namespace CircuitDsl.Language;

// The closed vocabularies of the language, shared by the syntax tree and the bound hypothesis.

/// <summary>Which part of a component a reference names: its output, or one of an attention head's inputs.</summary>
public enum Channel
{
    /// <summary>The component's output (what it writes into the residual stream).</summary>
    Output,

    /// <summary>An attention head's query input (<c>.q</c>).</summary>
    Query,

    /// <summary>An attention head's key input (<c>.k</c>).</summary>
    Key,

    /// <summary>An attention head's value input (<c>.v</c>).</summary>
    Value,
}

/// <summary>What replaces an activation that is ablated (knocked out).</summary>
public enum AblationKind
{
    /// <summary>Zero.</summary>
    Zero,

    /// <summary>The mean over the counterfactual distribution (optionally per example group).</summary>
    Mean,

    /// <summary>The activation on another example drawn from the data.</summary>
    Resample,
}

/// <summary>Which side of the claim an intervention patches.</summary>
public enum PatchDirection
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
    /// <summary>Claimed unimportant: replaced by their value on a random other example.</summary>
    Resample,

    /// <summary>Not claimed unimportant: they keep the reference example.</summary>
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
}

/// <summary>The statistic an expectation compares with its threshold.</summary>
public enum Statistic
{
    /// <summary>Fraction of the metric recovered relative to the baseline (1 = the model, 0 = the baseline).</summary>
    Recovers,

    /// <summary>The raw metric value (loss, logit difference, ...).</summary>
    Metric,

    /// <summary>Normalised path-patching effect: (m_patched - m_clean) / (m_clean - m_corrupt); -1 = destroyed.</summary>
    Effect,
}

