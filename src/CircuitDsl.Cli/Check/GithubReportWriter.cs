using CircuitDsl.Cli.Reports;

namespace CircuitDsl.Cli.Check;

/// <summary>GitHub workflow commands: an error annotation per diagnostic and per failed expectation, at its .circuit line,
/// and a notice per file and reason for skipped hypotheses.</summary>
public static class GithubReportWriter
{
    public static string Write(CheckReport report)
    {
        var annotations = new List<Annotation>();
        foreach (var file in report.Files)
            foreach (var d in file.Diagnostics)
                annotations.Add(new Annotation(d.IsError ? AnnotationLevel.Error : AnnotationLevel.Warning, d.Message,
                    d.File, d.Line, d.Column, d.EndLine, d.EndColumn, d.Code)); // an imported file's error is annotated there
        foreach (var e in report.Expectations.Where(e => !e.Passed))
            annotations.Add(new Annotation(AnnotationLevel.Error,
                $"{e.Hypothesis}: {e.Statement} does not hold ({Verdict.Of(e)}): {e.Statistic.Spelling()} = {ReportFormatting.WithInterval(e.Value)}",
                e.File, e.Line, e.Column, Title: "expectation failed"));
        foreach (var file in report.Files)
            foreach (var (reason, skipped) in file.SkipReasons)
                annotations.Add(new Annotation(AnnotationLevel.Notice, $"{string.Join(", ", skipped.Select(s => s.Name))}: {reason}",
                    file.Path, skipped[0].Line, skipped[0].Column, Title: "skipped"));
        var output = new StringWriter();
        WorkflowCommands.Write(output, annotations);
        return output.ToString();
    }
}
