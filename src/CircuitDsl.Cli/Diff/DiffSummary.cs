using CircuitDsl.Language.Diff;

namespace CircuitDsl.Cli.Diff;

/// <summary>The words both renderers share: item labels, change words and the one-line summary.</summary>
public static class DiffSummary
{
    public static string Word(ChangeKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>How an item is named: <c>node induction</c>, <c>input induction.q</c>, <c>ablation</c>, <c>metric</c>.</summary>
    public static string Label(ItemChange change) => change.Aspect switch
    {
        HypothesisAspect.Method => change.Item,
        HypothesisAspect.Data or HypothesisAspect.Variable or HypothesisAspect.Group or HypothesisAspect.Node or HypothesisAspect.Input =>
            $"{change.Aspect.ToString().ToLowerInvariant()} {change.Item}",
        _ => change.Aspect.ToString().ToLowerInvariant(),
    };

    /// <summary><c>2 hypotheses changed, 1 added in 1 file (3 files unchanged)</c>, or that nothing changed.</summary>
    public static string Line(IReadOnlyList<FileDiff> files)
    {
        var hypotheses = files.SelectMany(f => f.Differing).ToList();
        int differingFiles = files.Count(f => f.Kind != ChangeKind.Unchanged);
        int unchangedFiles = files.Count - differingFiles;
        string unchanged = unchangedFiles == 0 ? string.Empty : $" ({Plural(unchangedFiles, "file")} unchanged)";
        if (differingFiles == 0)
        {
            return $"No hypothesis changes{(files.Count == 0 ? string.Empty : $" in {Plural(files.Count, "file")}")}.";
        }

        var counts = new[] { ChangeKind.Changed, ChangeKind.Added, ChangeKind.Removed }
            .Select(kind => (kind, count: hypotheses.Count(h => h.Kind == kind)))
            .Where(c => c.count > 0)
            .Select((c, i) => i == 0 ? $"{Plural(c.count, "hypothesis", "hypotheses")} {Word(c.kind)}" : $"{c.count} {Word(c.kind)}");
        string what = hypotheses.Count == 0 ? "files added or removed without hypotheses" : string.Join(", ", counts);
        return $"{what} in {Plural(differingFiles, "file")}{unchanged}.";
    }

    static string Plural(int count, string one, string? many = null) => $"{count} {(count == 1 ? one : many ?? one + "s")}";
}
