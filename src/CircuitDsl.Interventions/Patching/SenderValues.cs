namespace CircuitDsl.Interventions.Patching;

/// <summary>
/// What path patching's senders take in pass C instead of their clean output. Wang et al.'s algorithm (and every
/// `expect path` claim as written) uses x_new, the counterfactual; the others exist so that a sensitivity run can
/// ask whether a claim survives the ablation choices published scores swing with. The normaliser of the effect stays
/// the counterfactual's m_clean − m_corrupted whatever the senders take, so that the numbers compare.
/// </summary>
public enum SenderValues
{
    /// <summary>The senders' outputs on x_new (the plan's counterfactual): Algorithm 1 as published.</summary>
    Counterfactual,

    /// <summary>The senders' outputs on a seeded random pool example per reference (the knockouts' resample draws).</summary>
    Resample,

    /// <summary>The per-position mean of each sender's output over the pool.</summary>
    Mean,

    /// <summary>Zero.</summary>
    Zero,
}

/// <summary>How reports spell a sender source.</summary>
public static class SenderValuesSpelling
{
    public static string Describe(this SenderValues values) => values switch
    {
        SenderValues.Counterfactual => "x_new (the counterfactual)",
        SenderValues.Resample => "a random pool example per reference (shuffled)",
        SenderValues.Mean => "the mean over the pool, per position",
        _ => "zero",
    };
}
