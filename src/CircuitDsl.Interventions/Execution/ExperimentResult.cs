using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// How an expectation came out: which expectation it is (<see cref="Id"/>, the plan's <see cref="Expectation.Id"/>, by
/// which reports find its statement), the statistic it read (the key in the check's statistics) with its estimate, the
/// verdict on the point estimate, and whether the whole interval is on the passing side.
/// </summary>
public sealed record ExpectationOutcome(ExpectationId Id, string Statement, Statistic Statistic, Estimate Estimate, bool Passed, bool IntervalAgrees)
{
    public double Value => Estimate.Value;
}

/// <summary>
/// One check's numbers: each statistic with its interval and sample count, the method choices as run (so a report can
/// echo them), the seed, and per-example values (metric of the intervened run and agreement) for inspection.
/// <see cref="Statistics"/> keeps the order the check computed them in.
/// </summary>
public sealed record CheckResult(
    string Name,
    string Kind,
    IReadOnlyDictionary<Statistic, Estimate> Statistics,
    IReadOnlyDictionary<string, string> Method,
    long Seed,
    ExpectationOutcome? Expectation,
    IReadOnlyList<double> PerExampleMetric,
    IReadOnlyList<double>? PerExampleAgreement = null)
{
    public Estimate this[Statistic statistic] =>
        Statistics.TryGetValue(statistic, out var e) ? e
        : throw new KeyNotFoundException($"check '{Name}' reports no '{statistic.Spelling()}' (it reports {string.Join(", ", Statistics.Keys.Select(k => k.Spelling()))})");
}

/// <summary>Every check of a plan, in order, with the data and metric they share.</summary>
public sealed record ExperimentResult(string Name, string Model, string Data, int Examples, string Metric, long Seed, IReadOnlyList<CheckResult> Checks)
{
    public CheckResult this[string check] =>
        Checks.FirstOrDefault(c => c.Name == check) ?? throw new KeyNotFoundException($"no check named '{check}'");

    /// <summary>The result that judged expectation <paramref name="id"/> (the first, for a sweep), or null when none did.</summary>
    public CheckResult? Judging(ExpectationId id) => Checks.FirstOrDefault(c => c.Expectation?.Id == id);

    public bool AllExpectationsHold => Checks.All(c => c.Expectation?.Passed ?? true);
}
