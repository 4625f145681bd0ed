using System.Text;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// Markdown for $GITHUB_STEP_SUMMARY and pull-request comments: a summary line, a table per file, and each
/// hypothesis drawn as a Mermaid flowchart. Kept under GitHub's 1 MiB summary limit by truncating with a note.
/// </summary>
public static class MarkdownReportWriter
{
    public const int MaxBytes = 1_000_000;

    public static string Write(CheckReport report)
    {
        var md = new StringBuilder();
        int total = report.Expectations.Count(), failed = report.Expectations.Count(e => !e.Passed);
        string skipped = ReportFormatting.SkippedSummary(report);
        md.Append(failed == 0 ? $"## ✅ circuit check: {total} of {total} expectations hold{skipped}\n\n" : $"## ❌ circuit check: {failed} of {total} expectations failed{skipped}\n\n");
        if (ReportFormatting.ReusedSummary(report) is { } reused) md.Append(reused).Append("\n\n");
        foreach (var file in report.Files)
        {
            md.Append($"### `{file.Path}`\n\n");
            foreach (var d in file.Diagnostics)
                md.Append($"- **{d.SeverityWord} {d.Code}** at {(d.File == file.Path ? "" : $"`{d.File}` ")}line {d.Line}, column {d.Column}: {Cell(d.Message)}\n");
            foreach (var (reason, hypotheses) in file.SkipReasons)
                md.Append($"- ⏭️ **skipped** {string.Join(", ", hypotheses.Select(h => $"`{h.Name}`"))}: {Cell(reason)}\n");
            if (file.Diagnostics.Count > 0 || file.Skipped.Count > 0) md.Append('\n');
            if (file.Hypotheses.Count == 0) continue;
            md.Append("| hypothesis | check | value [95% CI] | baseline | expectation | result |\n|---|---|---|---|---|---|\n");
            foreach (var h in file.Hypotheses)
                foreach (var c in h.Checks)
                {
                    var headline = ReportFormatting.Headline(c);
                    string value = headline is { } v ? $"{v.Statistic.Spelling()} {ReportFormatting.WithInterval(v.Value)}" : "";
                    string result = c.Expectation is { } e ? (e.Passed ? "✅ " : "❌ ") + ReportFormatting.Outcome(e) : "";
                    md.Append($"| {Cell(h.Name)} | {Cell(c.Result.Name)} | {value} | {ReportFormatting.Baseline(c)} | {Cell(c.Expectation?.Statement ?? "")} | {result} |\n");
                }
            md.Append('\n');
            Sensitivity.SensitivityMarkdownWriter.Write(md, file, Cell);
            foreach (var h in file.Hypotheses)
            {
                md.Append($"<details><summary>{Cell(h.Name)}: {h.Model}, {Cell(h.Data)}, {h.Examples} examples, seed {h.Seed}{(h.Weights == ModelWeights.Float32 ? "" : $", weights {h.Weights}")}</summary>\n\n");
                if (h.Graph is not null) md.Append(h.Graph).Append('\n');
                foreach (var c in h.Checks)
                    md.Append($"- **{Cell(c.Result.Name)}** ({c.Result.Kind}): {Cell(ReportFormatting.Method(c, 2_000))}\n");
                md.Append("\n</details>\n\n");
            }
        }
        return Truncate(md.ToString());
    }

    static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ").Replace("<", "&lt;").Replace(">", "&gt;");

    static string Truncate(string markdown)
    {
        if (Encoding.UTF8.GetByteCount(markdown) <= MaxBytes) return markdown;
        const string note = "\n\n_(report truncated to stay under GitHub's 1 MiB step-summary limit; see the JSON report)_\n";
        int keep = MaxBytes - Encoding.UTF8.GetByteCount(note);
        while (Encoding.UTF8.GetByteCount(markdown.AsSpan(0, keep)) > MaxBytes - Encoding.UTF8.GetByteCount(note)) keep -= 1024;
        return markdown[..keep] + note;
    }
}
