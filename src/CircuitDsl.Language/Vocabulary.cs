namespace CircuitDsl.Language;

// The statistics a .circuit file may name (the binder resolves each to the statistic its check reports).

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

