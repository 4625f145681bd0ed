using System.Collections.Immutable;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Language.Diff;

/// <summary>
/// The semantic diff of hypotheses: what a claim says, item by item, rather than how its text is laid out.
/// Hypotheses are keyed by name (a rename is a removal and an addition); an added or removed hypothesis lists
/// every item it has, so a reviewer sees the whole new claim.
/// </summary>
public static class HypothesisDiffer
{
    /// <summary>Diffs two versions of a file; either may be null (the file was added or removed).</summary>
    public static FileDiff DiffFiles(string? oldPath, BoundCircuitFile? old, string? newPath, BoundCircuitFile? @new)
    {
        var pairs = Pairing.Pair<BoundHypothesis>(old?.Hypotheses ?? [], @new?.Hypotheses ?? [], h => h.Name);
        var hypotheses = pairs.Select(p => Diff(p.Old, p.New)).ToImmutableArray();
        var kind = old is null ? ChangeKind.Added
            : @new is null ? ChangeKind.Removed
            : hypotheses.Any(h => h.Kind != ChangeKind.Unchanged) ? ChangeKind.Changed
            : ChangeKind.Unchanged;
        return new FileDiff(old is null ? null : oldPath, @new is null ? null : newPath, kind, hypotheses);
    }

    /// <summary>Diffs two versions of a hypothesis; either may be null (it was added or removed).</summary>
    public static HypothesisDiff Diff(BoundHypothesis? old, BoundHypothesis? @new)
    {
        if (old is null && @new is null)
        {
            throw new ArgumentException("At least one version of the hypothesis is needed.", nameof(@new));
        }

        var changes = new List<ItemChange>();
        Compare(changes, HypothesisAspect.Description, Single(old, h => h.Description is null ? [] : [("description", h.Description)]), Single(@new, h => h.Description is null ? [] : [("description", h.Description)]));
        Compare(changes, HypothesisAspect.Model, Single(old, h => [("model", h.ModelReference)]), Single(@new, h => [("model", h.ModelReference)]));
        Compare(changes, HypothesisAspect.Data, Data(old), Data(@new));
        Compare(changes, HypothesisAspect.Metric, Single(old, h => [("metric", HypothesisText.Metric(h.Metric))]), Single(@new, h => [("metric", HypothesisText.Metric(h.Metric))]));
        CompareMethod(changes, old, @new);
        Compare(changes, HypothesisAspect.Variable, Variables(old), Variables(@new));
        Compare(changes, HypothesisAspect.Group, Groups(old), Groups(@new));
        Compare(changes, HypothesisAspect.Node, Nodes(old), Nodes(@new));
        CompareInputs(changes, old, @new);
        Compare(changes, HypothesisAspect.Unimportant, Unimportant(old), Unimportant(@new));
        var expectations = CompareExpectations(changes, old, @new);

        var kind = old is null ? ChangeKind.Added
            : @new is null ? ChangeKind.Removed
            : changes.Count > 0 ? ChangeKind.Changed
            : ChangeKind.Unchanged;
        return new HypothesisDiff((@new ?? old)!.Name, kind, old, @new, [.. changes], expectations);
    }

    private sealed record Entry(string Key, string Value, string Display);

    private static List<Entry> Single(BoundHypothesis? h, Func<BoundHypothesis, IEnumerable<(string Key, string Value)>> items) =>
        h is null ? [] : [.. items(h).Select(i => new Entry(i.Key, i.Value, i.Value))];

    private static List<Entry> Data(BoundHypothesis? h) =>
        h is null ? [] : [new("task", h.Data.Task.Name, h.Data.Task.Name), .. HypothesisText.Arguments(h.Data).Select(a => new Entry(a.Name, a.Value, a.Value))];

    private static List<Entry> Variables(BoundHypothesis? h) =>
        h is null ? [] : [.. h.Variables.Where(v => v.Name is not null).Select(v => Plain(v.Name!, HypothesisText.Expression(v.Expression)))];

    private static List<Entry> Groups(BoundHypothesis? h) =>
        h is null ? [] : [.. h.Groups.Select(g => Plain(g.Name, HypothesisText.Components(g.Components)))];

    private static List<Entry> Nodes(BoundHypothesis? h) =>
        h?.Graph is null ? [] : [.. h.Graph.Nodes.Where(n => !n.IsInline).Select(n => Plain(n.Name, HypothesisText.Node(n)))];

    private static List<Entry> Unimportant(BoundHypothesis? h) =>
        h is null ? [] : [.. h.Unimportant.Select(c => Plain(c.ToString(), c.ToString()))];

    private static Entry Plain(string key, string value) => new(key, value, value);

    /// <summary>Compares items keyed by name: equal values are unchanged, and nothing pairs across different names.</summary>
    private static void Compare(List<ItemChange> changes, HypothesisAspect aspect, List<Entry> old, List<Entry> @new)
    {
        foreach (var (o, n) in Pairing.Pair(old, @new, e => e.Key))
        {
            Add(changes, aspect, (n ?? o)!.Key, o, n);
        }
    }

    private static void Add(List<ItemChange> changes, HypothesisAspect aspect, string item, Entry? old, Entry? @new)
    {
        var kind = Kind(old?.Value, @new?.Value, old is not null, @new is not null);
        if (kind != ChangeKind.Unchanged)
        {
            changes.Add(new ItemChange(aspect, item, kind, old?.Display, @new?.Display));
        }
    }

    private static ChangeKind Kind(string? old, string? @new, bool hasOld, bool hasNew) =>
        !hasOld ? ChangeKind.Added : !hasNew ? ChangeKind.Removed : old == @new ? ChangeKind.Unchanged : ChangeKind.Changed;

    // A choice left to its default reads "(default)", but stating the default is not a change of method.
    private static void CompareMethod(List<ItemChange> changes, BoundHypothesis? old, BoundHypothesis? @new)
    {
        static List<Entry> Of(BoundHypothesis? h) => h is null ? [] :
            [.. HypothesisText.Method(h.Method).Select(m => new Entry(m.Keyword, m.Value, m.IsStated ? m.Value : m.Value + " (default)"))];
        Compare(changes, HypothesisAspect.Method, Of(old), Of(@new));
    }

    private sealed record Edge(string Slot, string Source, string Value);

    /// <summary>Edges pair by receiver, slot and source; a slot whose source was edited pairs with its old self.</summary>
    private static void CompareInputs(List<ItemChange> changes, BoundHypothesis? old, BoundHypothesis? @new)
    {
        static List<Edge> Of(BoundHypothesis? h) => h?.Graph is null ? [] :
            [.. h.Graph.Nodes.SelectMany(n => n.Inputs.Select(i => new Edge(HypothesisText.InputSlot(n, i.Channel), HypothesisText.InputSource(i), HypothesisText.Input(i))))];
        foreach (var (o, n) in Pairing.Pair(Of(old), Of(@new), e => e.Slot + " <- " + e.Source, e => e.Slot))
        {
            var kind = Kind(o?.Value, n?.Value, o is not null, n is not null);
            if (kind != ChangeKind.Unchanged)
            {
                changes.Add(new ItemChange(HypothesisAspect.Input, (n ?? o)!.Slot, kind, o?.Value, n?.Value));
            }
        }
    }

    /// <summary>
    /// Expectations pair by what they measure (subject, path, statistic, which bound); leftovers of the same kind
    /// pair in order, so an edited threshold or path is one change. Unchanged pairs are kept for runners.
    /// </summary>
    private static ImmutableArray<ExpectationPair> CompareExpectations(List<ItemChange> changes, BoundHypothesis? old, BoundHypothesis? @new)
    {
        static string Exact(BoundExpectation e) => HypothesisText.ExpectationKind(e) + (e.Path is null ? string.Empty : " of " + HypothesisText.Path(e.Path));
        var pairs = Pairing.Pair<BoundExpectation>(old?.Expectations ?? [], @new?.Expectations ?? [], Exact, HypothesisText.ExpectationKind);
        var result = ImmutableArray.CreateBuilder<ExpectationPair>();
        foreach (var (o, n) in pairs)
        {
            var kind = Kind(o is null ? null : HypothesisText.Expectation(o), n is null ? null : HypothesisText.Expectation(n), o is not null, n is not null);
            result.Add(new ExpectationPair(o, n, kind));
            if (kind != ChangeKind.Unchanged)
            {
                string subject = (n ?? o)!.Subject.ToString().ToLowerInvariant();
                // Same words, other meaning (a group it names was edited): show the canonical form, which differs.
                bool sameText = o is not null && n is not null && o.Text == n.Text;
                changes.Add(new ItemChange(HypothesisAspect.Expectation, subject, kind,
                    o is null ? null : sameText ? HypothesisText.Expectation(o) : o.Text,
                    n is null ? null : sameText ? HypothesisText.Expectation(n) : n.Text));
            }
        }

        return result.ToImmutable();
    }
}
