using CircuitDsl.Cli.Reports;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// SARIF from the same report as every other format. It carries the diagnostics, each at the place the report gives
/// it (code scanning shows problems in files, not measurements); skipped hypotheses and failed expectations are notes
/// on the run, not alerts, in the same words as the other formats.
/// </summary>
public static class SarifReportWriter
{
    /// <param name="baseDirectory">Where check ran: the report's relative paths are relative to it, and so are the log's.</param>
    public static string Write(CheckReport report, string baseDirectory)
    {
        // By file, then in the order each file's report lists them (source order).
        var results = report.Files.SelectMany(f => f.Diagnostics).OrderBy(d => d.File, StringComparer.Ordinal)
            .Select(d => new SarifResult(d.Code, d.Title, d.Severity, d.Message, Location(d.File, d.Line, d.Column, d.EndLine, d.EndColumn)));
        var skipped = report.Files.SelectMany(f => f.Skipped.Select(s =>
            new SarifNote($"skipped {s.Name}: {s.Reason}", Location(f.Path, s.Line, s.Column, s.Line, s.Column))));
        var failed = report.Expectations.Where(e => !e.Passed).Select(e =>
            new SarifNote($"{e.Hypothesis}: {e.Statement}: {Verdict.Of(e)}: {e.Statistic.Spelling()} = {ReportFormatting.WithInterval(e.Value)}",
                Location(e.File, e.Line, e.Column, e.Line, e.Column)));
        return SarifReport.ToJson(results, skipped.Concat(failed), baseDirectory, SarifTool.Circuit);
    }

    /// <summary>A report's place as SARIF's: a path outside the base folder is already absolute; line 0 is the whole file.</summary>
    static ReportLocation Location(string file, int line, int column, int endLine, int endColumn) =>
        line < 1 ? new ReportLocation(file, !Path.IsPathRooted(file), 0, 0, 0, 0)
        : new ReportLocation(file, !Path.IsPathRooted(file), line, column, endLine, endColumn);
}
