using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// Whether two hypotheses of a file may read the same clean runs: the same model and the same data statement
/// (task and every argument). Only a hint for what to keep: runs are matched by their tokens, so a hypothesis that
/// differs elsewhere (an overridden count, another batch size) simply finds nothing to reuse.
/// </summary>
internal static class SharedRunsKey
{
    public static bool Same(BoundHypothesis a, BoundHypothesis b) =>
        a.ModelReference == b.ModelReference && Same(a.Data.Request, b.Data.Request);

    static bool Same(TaskRequest a, TaskRequest b) =>
        a.Task == b.Task && a.Arguments.Count == b.Arguments.Count
        && a.Arguments.All(p => b.Arguments.TryGetValue(p.Key, out var other) && Same(p.Value, other));

    static bool Same(TaskValue a, TaskValue b) => (a, b) switch
    {
        (TaskValue.Names x, TaskValue.Names y) => x.Items.SequenceEqual(y.Items, StringComparer.Ordinal),
        _ => a.Equals(b),
    };
}
