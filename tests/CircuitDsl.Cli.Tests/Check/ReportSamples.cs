using CircuitDsl.Cli.Check;
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
        return new(File, 7, 3, "h", "check", $"expect scrub recovers {spelling} {threshold}", "recovers", new Estimate(value, low, high, 64, 640, "bootstrap 95%"),
            op, threshold, double.IsFinite(value) && op.Holds(value, threshold),
            double.IsFinite(value) && op.Holds(low, threshold) && op.Holds(high, threshold));
    }

    public static CheckReport With(ExpectationEntry e)
    {
        var check = new CheckEntry(e.Check, "scrub", new Dictionary<string, Estimate> { [e.Statistic] = e.Value }, new Dictionary<string, string> { ["baseline"] = "resampled input" }, e);
        var hypothesis = new HypothesisReport(e.Hypothesis, null, "attn-only-2l", "ab", "repeated_tokens(count: 64, seed: 1)", 64, "loss", 1, [check], null);
        return new CheckReport(new ToolVersions("0.1.0", "0.107.0", "5.12.0", "10.0"), [new FileReport(File, "cd", [hypothesis], [], [])]);
    }

    public static string Render(string format, CheckReport report) => ReportFormats.Render(format, report, color: false);
}
