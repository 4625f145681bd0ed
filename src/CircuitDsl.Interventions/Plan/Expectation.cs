using System.Globalization;

namespace CircuitDsl.Interventions.Plan;

/// <summary>The statistics a check reports (the keys of its result's statistics).</summary>
public static class Statistic
{
    /// <summary>(L_baseline − L_run) / (L_baseline − L_model) for scrubbing; (m − m_corrupted)/(m_clean − m_corrupted) for denoising.</summary>
    public const string Recovers = "recovers";
    /// <summary>(m_patched − m_clean) / (m_clean − m_corrupted): 0 unaffected, −1 destroyed.</summary>
    public const string Effect = "effect";
    /// <summary>The metric of the intervened run.</summary>
    public const string Metric = "metric";
    public const string Model = "model";
    public const string Baseline = "baseline";
    public const string Corrupted = "corrupted";
    /// <summary>Interchange-intervention accuracy: share of scored positions whose top prediction matches the target.</summary>
    public const string Iia = "iia";
    /// <summary>m_ablated / m_model (IOI's faithfulness ratio F(C)/F(M)).</summary>
    public const string Fraction = "fraction";
}


/// <summary>A threshold on a statistic: <c>expect scrub recovers &gt;= 0.9</c>. <see cref="Text"/> is the statement as written.</summary>
public sealed record Expectation(string Statistic, ComparisonOperator Operator, double Threshold, string? Text = null)
{
    public bool Holds(double value) => Operator.Holds(value, Threshold);

    public override string ToString() => Text ?? string.Create(CultureInfo.InvariantCulture,
        $"{Statistic} {Operator.Spelling()} {Threshold}");
}
