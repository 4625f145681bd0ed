using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Under per-position resampling each key/value read under a position-varying reader multiplies a node copy's rows by
/// the sequence length, and such reads nest. Past the resource limits the hypothesis is refused (CD4001 in a report),
/// naming the copy, before anything that size is allocated.
/// </summary>
internal static class PerPositionLimits
{
    public static void Check(string hypothesis, string copy, long rowsPerExample, long draws)
    {
        if (rowsPerExample > ResourceLimits.MaxScrubRowsPerExample)
            throw new HypothesisException(hypothesis, $"per-position resampling gives node copy '{copy}' {rowsPerExample:N0} rows per example (every key or value read under a position-varying head multiplies them by the sequence length); the limit is {ResourceLimits.MaxScrubRowsPerExample:N0} ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxScrubRowsPerExample)}): nest fewer such reads, or resample per example");
        if (draws > ResourceLimits.MaxScrubDraws)
            throw new HypothesisException(hypothesis, $"per-position resampling would draw {draws:N0} sources for node copy '{copy}'; the limit is {ResourceLimits.MaxScrubDraws:N0} ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxScrubDraws)}): use fewer examples or resample per example");
    }
}
