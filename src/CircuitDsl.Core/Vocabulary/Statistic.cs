namespace CircuitDsl;

/// <summary>
/// A number a check reports (the keys of its result's statistics): one type from the engine to the reports, spelled
/// only where it is written (<see cref="StatisticSpellings"/>). Not every check reports every statistic.
/// </summary>
public enum Statistic
{
    /// <summary>
    /// The recovered fraction: (L_baseline − L_run) / (L_baseline − L_model) for scrubbing;
    /// (m_patched − m_corrupted) / (m_clean − m_corrupted) for denoising.
    /// </summary>
    Recovers,

    /// <summary>(m_patched − m_clean) / (m_clean − m_corrupted): 0 unaffected, −1 destroyed.</summary>
    Effect,

    /// <summary>The metric of the intervened run (of the unmodified model, for a model check).</summary>
    Metric,

    /// <summary>The metric of the unmodified (clean) model.</summary>
    Model,

    /// <summary>The metric of the scrub baseline (what 0% recovered means); for circuit faithfulness, of the empty circuit m(∅).</summary>
    Baseline,

    /// <summary>The metric of the corrupted run.</summary>
    Corrupted,

    /// <summary>Interchange-intervention accuracy: share of scored positions whose top prediction matches the target.</summary>
    Iia,

    /// <summary>m_ablated / m_model (IOI's faithfulness ratio F(C)/F(M)).</summary>
    Fraction,

    /// <summary>MIB's circuit faithfulness (m(C) − m(∅)) / (m(N) − m(∅)), every edge outside the circuit C ablated.</summary>
    Faithfulness,
}

/// <summary>How a statistic is spelled in reports and read back from them (a <c>--baseline</c> report), in one place.</summary>
public static class StatisticSpellings
{
    /// <summary>The lowercase word reports use: "recovers", "effect", "metric", "model", "baseline", "corrupted", "iia", "fraction", "faithfulness".</summary>
    public static string Spelling(this Statistic statistic) => statistic switch
    {
        Statistic.Recovers => "recovers",
        Statistic.Effect => "effect",
        Statistic.Metric => "metric",
        Statistic.Model => "model",
        Statistic.Baseline => "baseline",
        Statistic.Corrupted => "corrupted",
        Statistic.Iia => "iia",
        Statistic.Fraction => "fraction",
        Statistic.Faithfulness => "faithfulness",
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, "not a statistic"),
    };

    /// <summary>The statistic a report spells <paramref name="spelling"/> (exactly as <see cref="Spelling"/> writes it).</summary>
    public static bool TryParse(string spelling, out Statistic statistic)
    {
        foreach (var candidate in Enum.GetValues<Statistic>())
            if (candidate.Spelling() == spelling)
            {
                statistic = candidate;
                return true;
            }
        statistic = default;
        return false;
    }
}
