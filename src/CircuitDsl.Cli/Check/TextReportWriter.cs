using Spectre.Console;
using Spectre.Console.Rendering;

namespace CircuitDsl.Cli.Check;

/// <summary>One table per file for people at a terminal or reading CI logs: each check, its value with interval,
/// baseline, threshold, outcome and method, then each hypothesis's data, seed and sample count; then a SKIPPED line
/// per file and reason for hypotheses whose model is not here.</summary>
public static class TextReportWriter
{
    public static void Write(CheckReport report, TextWriter output, bool color)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = color ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = color ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200; // CI logs do not wrap; a narrow default would fold every row
        foreach (var file in report.Files.Where(f => f.Hypotheses.Count > 0))
        {
            console.Write(new Rule($"[bold]{Markup.Escape(file.Path)}[/]").LeftJustified());
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("hypothesis", "check", "statistic", "value [[95% CI]]", "baseline", "expectation", "result", "method");
            foreach (var h in file.Hypotheses)
                foreach (var c in h.Checks)
                {
                    var headline = ReportFormatting.Headline(c);
                    table.AddRow(Cell(h.Name), Cell(c.Result.Name), Cell(headline?.Statistic.Spelling() ?? ""),
                        Cell(headline is { } v ? ReportFormatting.WithInterval(v.Value) : ""), Cell(ReportFormatting.Baseline(c)),
                        Cell(c.Expectation?.Statement ?? ""), Outcome(c.Expectation), Cell(ReportFormatting.Method(c, 90)));
                }
            console.Write(table);
            foreach (var h in file.Hypotheses)
                console.WriteLine($"  {h.Name}: {h.Model}, {h.Data}, {h.Examples} examples, metric {h.Metric}, seed {h.Seed}" +
                    (h.Weights == ModelWeights.Float32 ? "" : $", weights {h.Weights}") + (h.Reused ? "; reused" : ""));
            Sensitivity.SensitivityTextWriter.Write(console, output, file);
            console.WriteLine();
        }
        // Written past the console so that a long path or reason is never folded onto a second line.
        foreach (string line in report.Files.SelectMany(ReportFormatting.SkippedLines))
            output.WriteLine((color ? "\u001b[33mSKIPPED\u001b[0m " : "SKIPPED ") + line);
        int total = report.Expectations.Count(), failed = report.Expectations.Count(e => !e.Passed);
        console.WriteLine($"{total - failed} of {total} expectations hold" + (failed > 0 ? $"; {failed} failed" : "") + ReportFormatting.SkippedSummary(report));
        if (ReportFormatting.ReusedSummary(report) is { } reused) console.WriteLine(reused);
    }

    static IRenderable Cell(string text) => new Text(text);

    static IRenderable Outcome(ExpectationEntry? e) => e is null
        ? new Text("")
        : new Markup(e.Passed ? $"[green]{Markup.Escape(ReportFormatting.Outcome(e))}[/]" : $"[red bold]{Markup.Escape(ReportFormatting.Outcome(e))}[/]");
}
