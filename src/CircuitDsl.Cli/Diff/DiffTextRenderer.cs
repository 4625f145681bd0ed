using CircuitDsl.Language.Diff;

namespace CircuitDsl.Cli.Diff;

/// <summary>
/// The diff for a terminal: one block per differing file, one per differing hypothesis, one line per item
/// (<c>+</c> added, <c>-</c> removed, <c>~</c> changed with its old and new value below), then a summary line.
/// An added hypothesis lists all its items; a removed one only its name.
/// </summary>
public static class DiffTextRenderer
{
    public static void Write(TextWriter output, IReadOnlyList<FileDiff> files, IReadOnlyList<ExpectationColumn>? columns = null)
    {
        foreach (var file in files.Where(f => f.Kind != ChangeKind.Unchanged))
        {
            output.WriteLine($"{Mark(file.Kind)} {file.DisplayPath}{(file.Kind is ChangeKind.Added or ChangeKind.Removed ? $" ({DiffSummary.Word(file.Kind)})" : string.Empty)}");
            foreach (var hypothesis in file.Differing)
            {
                WriteHypothesis(output, hypothesis, columns ?? []);
            }

            output.WriteLine();
        }

        output.WriteLine(DiffSummary.Line(files));
    }

    static void WriteHypothesis(TextWriter output, HypothesisDiff hypothesis, IReadOnlyList<ExpectationColumn> columns)
    {
        string description = (hypothesis.New ?? hypothesis.Old)?.Description is { } d ? $" \"{d}\"" : string.Empty;
        output.WriteLine($"    {Mark(hypothesis.Kind)} hypothesis {hypothesis.Name}{description}");
        if (hypothesis.Kind == ChangeKind.Removed)
        {
            return;
        }

        foreach (var change in hypothesis.Changes.Where(c => c.Aspect != HypothesisAspect.Description || hypothesis.Kind == ChangeKind.Changed))
        {
            string label = DiffSummary.Label(change);
            switch (change.Kind)
            {
                case ChangeKind.Changed:
                    output.WriteLine($"        ~ {label}");
                    output.WriteLine($"            was  {change.Old}");
                    output.WriteLine($"            now  {change.New}");
                    break;
                default:
                    output.WriteLine($"        {Mark(change.Kind)} {label}: {change.New ?? change.Old}");
                    break;
            }
        }

        if (columns.Count > 0)
        {
            output.WriteLine("        expectations:");
            foreach (var pair in hypothesis.Expectations)
            {
                var values = columns.Select(c => $"{c.Header}: {c.Value(hypothesis, pair) ?? "-"}");
                output.WriteLine($"          {Mark(pair.Kind)} {(pair.New ?? pair.Old)!.Text}  |  {string.Join("  |  ", values)}");
            }
        }
    }

    static char Mark(ChangeKind kind) => kind switch
    {
        ChangeKind.Added => '+',
        ChangeKind.Removed => '-',
        ChangeKind.Changed => '~',
        _ => ' ',
    };
}
