using System.Text;

namespace CircuitDsl.Cli.Check.Sensitivity;

/// <summary>The sensitivity matrix of each hypothesis in the Markdown report (the text report's rows, as a table).</summary>
internal static class SensitivityMarkdownWriter
{
    public static void Write(StringBuilder md, FileReport file, Func<string, string> cell)
    {
        foreach (var h in file.Hypotheses.Where(h => h.Sensitivity is not null))
        {
            var s = h.Sensitivity!;
            md.Append($"#### Sensitivity: {cell(h.Name)}\n\n");
            md.Append($"{s.Marked.Count()} of {s.Rows.Count} claims flip with a choice the file does not state; {cell(SensitivityFormatting.Cost(s))}.\n\n");
            md.Append("| claim | kind | choice | file | options (statistic, verdict; * as run) | mark |\n|---|---|---|---|---|---|\n");
            foreach (var row in s.Rows)
            {
                if (row.NotApplicable is not null)
                    md.Append($"| {cell(SensitivityFormatting.Claim(row))} | {row.Kind} | - | | not applicable: {cell(row.NotApplicable)} | |\n");
                foreach (var choice in row.Choices)
                {
                    string mark = SensitivityFormatting.Mark(row, choice);
                    md.Append($"| {cell(SensitivityFormatting.Claim(row))} | {row.Kind} | {choice.Name} | {cell(SensitivityFormatting.Justification(choice))} | {cell(SensitivityFormatting.Options(choice, "; "))} | {(mark.StartsWith("verdict", StringComparison.Ordinal) ? "⚠️ " + cell(mark) : cell(mark))} |\n");
                }
            }
            foreach (string line in SensitivityFormatting.NotRunLines(s)) md.Append($"- {cell(line)}\n");
            md.Append('\n');
        }
    }
}
