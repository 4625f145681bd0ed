using CircuitDsl.Cli.Check;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>Hand-made reports around one expectation, for tests of how each format writes it.</summary>
internal static class ReportSamples
{
    public const string File = "hypotheses/h.circuit";

    public static readonly string[] Formats = ReportFormats.Names;

    /// <summary>An expectation judged as the engine judges it: on the point value, which must be finite.</summary>
    public static ExpectationEntry Expectation(string spelling, double threshold, double value, double low, double high)
    {
        var op = ComparisonOperators.Spellings[spelling];
        string statement = $"scrub recovers {spelling} {threshold}";
        var outcome = new ExpectationOutcome(new ExpectationId(statement), "expect " + statement, Statistic.Recovers, new Estimate(value, low, high, 64, 640, "bootstrap 95%"),
            double.IsFinite(value) && op.Holds(value, threshold), double.IsFinite(value) && op.Holds(low, threshold) && op.Holds(high, threshold));
        return new(File, 7, 3, "h", "check", outcome, op, threshold);
    }

    public static CheckReport With(ExpectationEntry e)
    {
        var result = new CheckResult(e.Check, "scrub", new Dictionary<Statistic, Estimate> { [e.Statistic] = e.Value }, new Dictionary<string, string> { ["baseline"] = "resampled input" },
            1, e.Outcome, []);
        var check = new CheckEntry(result, e);
        var hypothesis = new HypothesisReport(e.Hypothesis, null, "attn-only-2l", "ab", "repeated_tokens(count: 64, seed: 1)", 64, "loss", 1, [check], null);
        return new CheckReport(new ToolVersions("0.1.0", "0.107.0", "5.12.0", "10.0"), [new FileReport(File, "cd", [hypothesis], [], [])]);
    }

    public static string Render(string format, CheckReport report) => ReportFormats.Render(format, report, color: false);
}
