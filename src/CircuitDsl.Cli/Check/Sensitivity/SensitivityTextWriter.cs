using Spectre.Console;

namespace CircuitDsl.Cli.Check.Sensitivity;

/// <summary>
/// The sensitivity matrix of each hypothesis in the text report: one row per claim and choice, every option's
/// statistic and verdict in it (the option run marked *), whether the file states the choice, and the mark.
/// </summary>
internal static class SensitivityTextWriter
{
    public static void Write(IAnsiConsole console, TextWriter output, FileReport file)
    {
        foreach (var h in file.Hypotheses.Where(h => h.Sensitivity is not null))
        {
            var s = h.Sensitivity!;
            var table = new Table().Border(TableBorder.Rounded).Title($"sensitivity: {Markup.Escape(h.Name)}")
                .AddColumns("claim", "kind", "choice", "file", "options (statistic, verdict; * as run)", "mark");
            foreach (var row in s.Rows)
            {
                if (row.NotApplicable is not null)
                    table.AddRow(new Text(SensitivityFormatting.Claim(row)), new Text(row.Kind), new Text("-"), new Text(""), new Text("not applicable: " + row.NotApplicable), new Text(""));
                foreach (var choice in row.Choices)
                {
                    string mark = SensitivityFormatting.Mark(row, choice);
                    table.AddRow(new Text(SensitivityFormatting.Claim(row)), new Text(row.Kind), new Text(choice.Name), new Text(SensitivityFormatting.Justification(choice)),
                        new Text(SensitivityFormatting.Options(choice)), mark.StartsWith("verdict", StringComparison.Ordinal) ? new Markup($"[red bold]{Markup.Escape(mark)}[/]") : new Text(mark));
                }
            }
            console.Write(table);
            // Written past the console so that no mark or reason is folded onto a second line (logs are searched for them).
            foreach (var row in s.Rows)
                foreach (string note in row.MarkNotes) output.WriteLine($"  {SensitivityFormatting.Claim(row)}: {note}");
            foreach (string line in SensitivityFormatting.NotRunLines(s)) output.WriteLine("  " + line);
            output.WriteLine($"  sensitivity of {h.Name}: {s.Marked.Count()} of {s.Rows.Count} claims flip with a choice the file does not state; {SensitivityFormatting.Cost(s)}");
        }
    }
}
