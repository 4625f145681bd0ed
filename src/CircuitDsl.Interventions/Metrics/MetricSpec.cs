using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Metrics;

/// <summary>The behaviour measured (the language's metrics).</summary>
public enum MetricKind
{
    /// <summary>Next-token cross-entropy at each position p (predicting token p + 1); lower is better.</summary>
    Loss,
    /// <summary>logit(answer) - logit(wrong answer); higher is better.</summary>
    LogitDiff,
    /// <summary>KL(model ‖ run) of the next-token distributions; 0 for the model itself.</summary>
    KL,
    /// <summary>Share of positions whose top prediction is the answer (or, without one, the next token).</summary>
    Accuracy,
}

/// <summary>A metric and the positions it is read at (named per example, e.g. <c>repeated</c> or <c>END</c>).</summary>
public sealed record MetricSpec(MetricKind Kind, PositionSet Positions)
{
    public static MetricSpec Loss(PositionSet? at = null) => new(MetricKind.Loss, at ?? PositionSet.All);
    public static MetricSpec LogitDiff(PositionSet? at = null) => new(MetricKind.LogitDiff, at ?? PositionSet.At(-1));
    public static MetricSpec KL(PositionSet? at = null) => new(MetricKind.KL, at ?? PositionSet.All);
    public static MetricSpec Accuracy(PositionSet? at = null) => new(MetricKind.Accuracy, at ?? PositionSet.At(-1));

    public bool HigherIsBetter => Kind is MetricKind.LogitDiff or MetricKind.Accuracy;

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} at {Positions}";
}
