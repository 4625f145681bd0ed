namespace CircuitDsl.Cli.Check;

/// <summary>
/// The words every report format uses for an expectation's outcome, defined once. The verdict is the engine's
/// (judged on the point estimate); the qualifier says what the 95% interval adds: it straddles only when it holds
/// the threshold (one end passes, the other fails), and a statistic that is not a finite number fails and says so.
/// </summary>
public static class Verdict
{
    public const string Pass = "pass";
    public const string Fail = "FAIL";
    public const string Straddles = "interval straddles";
    public const string IntervalNotFinite = "interval not finite";
    public const string IntervalDisagrees = "interval disagrees"; // a point estimate outside its own bootstrap interval

    /// <summary>"pass", "pass (interval straddles)", "FAIL", "FAIL (interval straddles)", "FAIL (statistic is NaN)", ...</summary>
    public static string Of(ExpectationEntry e)
    {
        string verdict = e.Passed ? Pass : Fail;
        return Qualifier(e) is { } why ? $"{verdict} ({why})" : verdict;
    }

    static string? Qualifier(ExpectationEntry e)
    {
        if (!double.IsFinite(e.Value.Value)) return $"statistic is {ReportFormatting.Number(e.Value.Value)}";
        if (!double.IsFinite(e.Threshold)) return $"threshold is {ReportFormatting.Number(e.Threshold)}";
        if (double.IsNaN(e.Value.Low) || double.IsNaN(e.Value.High)) return IntervalNotFinite;
        bool low = e.Operator.Holds(e.Value.Low, e.Threshold), high = e.Operator.Holds(e.Value.High, e.Threshold);
        if (low != high) return Straddles;
        return low == e.Passed ? null : IntervalDisagrees;
    }
}
