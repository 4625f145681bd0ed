using CircuitDsl.Language.Diff;

namespace CircuitDsl.Cli.Diff;

/// <summary>
/// The diff as GitHub-flavoured Markdown for a pull-request comment or a step summary: a heading and summary
/// line, then per differing file a heading and per differing hypothesis a table of its changed items (before and
/// after in code spans). Added hypotheses list all their items; removed ones only their name. With extra
/// <see cref="ExpectationColumn"/>s, each hypothesis also gets a table of all its expectations.
/// </summary>
public static class DiffMarkdownRenderer
{
    public static void Write(TextWriter output, IReadOnlyList<FileDiff> files, IReadOnlyList<ExpectationColumn>? columns = null)
    {
        output.WriteLine("## Hypothesis changes");
        output.WriteLine();
        output.WriteLine(Markdown.Text(DiffSummary.Line(files)));
        foreach (var file in files.Where(f => f.Kind != ChangeKind.Unchanged))
        {
            output.WriteLine();
            string state = file.Kind is ChangeKind.Added or ChangeKind.Removed ? $" ({DiffSummary.Word(file.Kind)})" : string.Empty;
            output.WriteLine($"### {Markdown.Code(file.DisplayPath)}{state}");
            foreach (var hypothesis in file.Differing)
            {
                WriteHypothesis(output, hypothesis, columns ?? []);
            }
        }
    }

    static void WriteHypothesis(TextWriter output, HypothesisDiff hypothesis, IReadOnlyList<ExpectationColumn> columns)
    {
        output.WriteLine();
        string description = (hypothesis.New ?? hypothesis.Old)?.Description is { } d ? ": " + Markdown.Text(d) : string.Empty;
        output.WriteLine($"**{DiffSummary.Word(hypothesis.Kind)}** {Markdown.Code(hypothesis.Name)}{description}");
        if (hypothesis.Kind == ChangeKind.Removed)
        {
            return;
        }

        var changes = hypothesis.Changes.Where(c => c.Aspect != HypothesisAspect.Description || hypothesis.Kind == ChangeKind.Changed).ToList();
        if (hypothesis.Kind == ChangeKind.Added)
        {
            // A new claim in full is long: folded, so the comment stays about what changed.
            output.WriteLine();
            output.WriteLine($"<details><summary>{changes.Count} items</summary>");
            output.WriteLine();
            output.WriteLine(Markdown.Row("item", "value"));
            output.WriteLine(Markdown.Row("---", "---"));
            foreach (var change in changes)
            {
                output.WriteLine(Markdown.Row(Markdown.Text(DiffSummary.Label(change)), Markdown.Code(change.New)));
            }

            output.WriteLine();
            output.WriteLine("</details>");
        }
        else if (changes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine(Markdown.Row("change", "item", "before", "after"));
            output.WriteLine(Markdown.Row("---", "---", "---", "---"));
            foreach (var change in changes)
            {
                output.WriteLine(Markdown.Row(DiffSummary.Word(change.Kind), Markdown.Text(DiffSummary.Label(change)), Markdown.Code(change.Old), Markdown.Code(change.New)));
            }
        }

        if (columns.Count > 0 && hypothesis.Expectations.Length > 0)
        {
            output.WriteLine();
            output.WriteLine(Markdown.Row(["expectation", "change", .. columns.Select(c => Markdown.Text(c.Header))]));
            output.WriteLine(Markdown.Row(["---", "---", .. columns.Select(_ => "---")]));
            foreach (var pair in hypothesis.Expectations)
            {
                output.WriteLine(Markdown.Row([Markdown.Code((pair.New ?? pair.Old)!.Text), DiffSummary.Word(pair.Kind), .. columns.Select(c => Markdown.Text(c.Value(hypothesis, pair) ?? string.Empty))]));
            }
        }
    }
}
