using System.Globalization;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Check;

/// <summary>How numbers and outcomes read in every human-facing report (text, Markdown, JUnit messages).</summary>
internal static class ReportFormatting
{
    /// <summary>Three decimals; a non-finite number is spelt out (NaN, Infinity, -Infinity), never rounded into a digit.</summary>
    public static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string WithInterval(Estimate e) => $"{Number(e.Value)} [{Number(e.Low)}, {Number(e.High)}]";

    /// <summary>"; 6 expectations of 3 hypotheses skipped" for the summary line, or nothing when none was skipped.</summary>
    public static string SkippedSummary(CheckReport report)
    {
        int hypotheses = report.Skipped.Count();
        return hypotheses == 0 ? ""
            : $"; {Plural(report.SkippedExpectations, "expectation", "expectations")} of {Plural(hypotheses, "hypothesis", "hypotheses")} skipped";
    }

    /// <summary>
    /// "2 of 5 hypotheses' results reused: their inputs are unchanged since they were recorded (--no-cache recomputes)",
    /// or null when every result was computed by this run (a fresh run's report says nothing of the cache).
    /// </summary>
    public static string? ReusedSummary(CheckReport report)
    {
        var (reused, of) = report.Reuse;
        return reused == 0 ? null
            : $"{reused} of {Plural(of, "hypothesis's result", "hypotheses' results")} reused: their inputs are unchanged since they were recorded (--no-cache recomputes)";
    }

    /// <summary>One line per reason a file skipped hypotheses: "PATH (NAMES): REASON".</summary>
    public static IEnumerable<string> SkippedLines(FileReport file) =>
        file.SkipReasons.Select(r => $"{file.Path} ({string.Join(", ", r.Hypotheses.Select(h => h.Name))}): {r.Reason}");

    static string Plural(int count, string one, string many) => $"{count} {(count == 1 ? one : many)}";

    public static string Outcome(ExpectationEntry e) => Verdict.Of(e);

    /// <summary>The statistic that shows what 0% means for a check (its baseline), if it reports one.</summary>
    public static string Baseline(CheckEntry check) =>
        check.Result.Statistics.TryGetValue(Statistic.Baseline, out var b) ? Number(b.Value)
        : check.Result.Statistics.TryGetValue(Statistic.Corrupted, out var c) ? Number(c.Value) : "";

    /// <summary>The method choices of a check in one line (baseline, ablation, direction, positions...).</summary>
    public static string Method(CheckEntry check, int maxLength = 160)
    {
        // The data are stated once per hypothesis; repeating them per check only hides the choices that differ.
        string text = string.Join("; ", check.Result.Method.Where(m => m.Key != "data").OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}: {m.Value}"));
        return text.Length <= maxLength ? text : text[..(maxLength - 1)] + "…";
    }

    /// <summary>The headline number of a check: its expectation's statistic, else recovers, effect or metric.</summary>
    public static (Statistic Statistic, Estimate Value)? Headline(CheckEntry check)
    {
        if (check.Expectation is { } e) return (e.Statistic, e.Value);
        foreach (var statistic in HeadlineOrder)
            if (check.Result.Statistics.TryGetValue(statistic, out var value)) return (statistic, value);
        return null;
    }

    static readonly Statistic[] HeadlineOrder = [Statistic.Faithfulness, Statistic.Recovers, Statistic.Effect, Statistic.Fraction, Statistic.Metric, Statistic.Model];
}
