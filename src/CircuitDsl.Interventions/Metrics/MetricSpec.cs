using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Metrics;

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
