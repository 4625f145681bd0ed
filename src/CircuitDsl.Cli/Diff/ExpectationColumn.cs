using CircuitDsl.Language.Diff;

namespace CircuitDsl.Cli.Diff;

/// <summary>
/// A column the caller adds to every expectation of a differing hypothesis, changed or not: how a runner (a later
/// <c>diff --run</c>) shows the recovered fraction of each version side by side. <see cref="Value"/> gets the
/// hypothesis diff (with both bound hypotheses) and the expectation pair; null shows as empty.
/// </summary>
public sealed record ExpectationColumn(string Header, Func<HypothesisDiff, ExpectationPair, string?> Value);
