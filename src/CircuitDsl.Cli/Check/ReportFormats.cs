using CircuitDsl.Cli.Reports;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Check;

/// <summary>The report formats of `circuit check --format` and how each is produced.</summary>
public static class ReportFormats
{
    public static readonly string[] Names = ["text", "json", "markdown", "junit", "sarif", "github"];

    public static string Render(string format, CheckReport report, bool color) => format switch
    {
        "text" => Text(report, color),
        "json" => JsonReportWriter.Write(report),
        "markdown" => MarkdownReportWriter.Write(report),
        "junit" => JUnitReportWriter.Write(report),
        "sarif" => Sarif(report),
        "github" => GithubReportWriter.Write(report),
        _ => throw new ArgumentException($"unknown format '{format}'; formats: {string.Join(", ", Names)}"),
    };

    static string Text(CheckReport report, bool color)
    {
        var output = new StringWriter();
        TextReportWriter.Write(report, output, color);
        return output.ToString();
    }

    // SARIF carries diagnostics (code scanning shows problems in files, not measurements); skipped hypotheses and
    // failed expectations are notes on the run, not alerts, in the same words as the other formats.
    static string Sarif(CheckReport report)
    {
        var diagnostics = report.Files.SelectMany(f => f.Diagnostics).ToArray();
        var skipped = report.Files.SelectMany(f => f.Skipped.Select(s =>
            new SarifNote($"skipped {s.Name}: {s.Reason}", new Language.Syntax.SourceSpan(f.Path, 0, 0, s.Line, s.Column))));
        var failed = report.Expectations.Where(e => !e.Passed).Select(e =>
            new SarifNote($"{e.Hypothesis}: {e.Statement}: {Verdict.Of(e)}: {e.Statistic.Spelling()} = {ReportFormatting.WithInterval(e.Value)}",
                new Language.Syntax.SourceSpan(e.File, 0, 0, e.Line, e.Column)));
        var notes = skipped.Concat(failed);
        return SarifReport.ToJson(diagnostics.Select(ToDiagnostic), new DiagnosticLocator(Directory.GetCurrentDirectory(), _ => null), SarifTool.Circuit, notes);
    }

    static Diagnostic ToDiagnostic(DiagnosticEntry d) =>
        new(new DiagnosticDescriptor(d.Code, d.Severity, d.Code, "{0}"),
            new Language.Syntax.SourceSpan(d.File, 0, d.EndLine == d.Line ? Math.Max(0, d.EndColumn - d.Column) : 0, d.Line, d.Column), d.Message);
}
