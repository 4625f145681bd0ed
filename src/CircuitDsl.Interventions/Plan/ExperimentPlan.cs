using System.Collections.Immutable;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;

namespace CircuitDsl.Interventions.Plan;

/// <summary>Where x_new (the corrupted input of patching) comes from.</summary>
public enum CounterfactualSource
{
    /// <summary>Each example's own counterfactual (p_ABC for IOI).</summary>
    Paired,
    /// <summary>A seeded random example of the pool per reference.</summary>
    Resampled,
}

/// <summary>
/// An experiment as the compiler's generated code builds it: the data, the metric, the method choices that apply
/// to every check, and the checks. Immutable; the runner echoes every choice in its results.
/// </summary>
public sealed record ExperimentPlan(string Name, Dataset Data, MetricSpec Metric, ImmutableArray<Check> Checks)
{
    public long Seed { get; init; } = 0;
    public CounterfactualSource Counterfactual { get; init; } = CounterfactualSource.Resampled;
    /// <summary>References per forward pass; peak memory grows with it, not with the number of examples.</summary>
    public int BatchSize { get; init; } = 64;
    public int BootstrapResamples { get; init; } = Statistics.Bootstrap.DefaultResamples;
}
