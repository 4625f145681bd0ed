using CircuitDsl.Cli.Check;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// The result words: "straddles" only when the interval holds the threshold, for every operator; and text, Markdown,
/// JUnit, GitHub and SARIF say the same word for the same failed expectation.
/// </summary>
public class VerdictTests
{
    // (operator, value, low, high, verdict) around the threshold 0.5.
    static readonly object[] Cases =
    [
        new object[] { ">=", 0.65, 0.60, 0.70, "pass" },
        new object[] { ">=", 0.55, 0.45, 0.60, "pass (interval straddles)" },
        new object[] { ">=", 0.45, 0.40, 0.55, "FAIL (interval straddles)" },
        new object[] { ">=", 0.30, 0.20, 0.40, "FAIL" },
        new object[] { ">=", 0.55, 0.50, 0.60, "pass" },
        new object[] { "<=", 0.30, 0.20, 0.40, "pass" },
        new object[] { "<=", 0.45, 0.40, 0.55, "pass (interval straddles)" },
        new object[] { "<=", 0.55, 0.45, 0.60, "FAIL (interval straddles)" },
        new object[] { "<=", 0.65, 0.60, 0.70, "FAIL" },
        new object[] { ">", 0.65, 0.60, 0.70, "pass" },
        new object[] { ">", 0.55, 0.50, 0.60, "pass (interval straddles)" },
        new object[] { ">", 0.45, 0.40, 0.55, "FAIL (interval straddles)" },
        new object[] { ">", 0.30, 0.20, 0.40, "FAIL" },
        new object[] { "<", 0.30, 0.20, 0.40, "pass" },
        new object[] { "<", 0.45, 0.40, 0.50, "pass (interval straddles)" },
        new object[] { "<", 0.55, 0.45, 0.60, "FAIL (interval straddles)" },
        new object[] { "<", 0.65, 0.60, 0.70, "FAIL" },
    ];

    [TestCaseSource(nameof(Cases))]
    public void StraddlesOnlyWhenTheIntervalHoldsTheThreshold(string op, double value, double low, double high, string verdict) =>
        Assert.That(Verdict.Of(ReportSamples.Expectation(op, 0.5, value, low, high)), Is.EqualTo(verdict));

    [TestCaseSource(nameof(Cases))]
    public void EveryFormatSaysTheSameWordForAFailure(string op, double value, double low, double high, string verdict)
    {
        var report = ReportSamples.With(ReportSamples.Expectation(op, 0.5, value, low, high));
        foreach (string format in new[] { "text", "markdown", "junit", "github", "sarif" })
        {
            string rendered = ReportSamples.Render(format, report);
            if (verdict.StartsWith(Verdict.Fail, StringComparison.Ordinal))
                Assert.That(rendered, Does.Contain(verdict), format);
            else if (format is "text" or "markdown")
                Assert.That(rendered, Does.Contain(verdict).And.Not.Contain(Verdict.Fail), format);
            if (!verdict.Contains(Verdict.Straddles)) Assert.That(rendered, Does.Not.Contain(Verdict.Straddles), format);
        }
    }
}
