namespace CircuitDsl;

/// <summary>
/// The stable identity of one expectation within its hypothesis: the statement without its <c>expect</c>
/// (<c>scrub recovers &gt;= 0.9</c>), with <c> #2</c>, <c> #3</c> ... on repeats. The binder assigns it; the plan's
/// check, the engine's result and every report carry it, so results are joined to statements by identity, not by
/// position. It survives reordering and the editing of other expectations, which is what baselines and diffs need.
/// </summary>
public readonly record struct ExpectationId(string Value)
{
    /// <summary>The ids of <paramref name="statements"/> (each with or without its leading <c>expect</c>), in order.</summary>
    public static IReadOnlyList<ExpectationId> Assign(IEnumerable<string> statements)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var ids = new List<ExpectationId>();
        foreach (string statement in statements)
        {
            string name = statement.StartsWith("expect ", StringComparison.Ordinal) ? statement["expect ".Length..] : statement;
            string candidate = name;
            for (int n = 2; !used.Add(candidate); n++) candidate = $"{name} #{n}";
            ids.Add(new ExpectationId(candidate));
        }
        return ids;
    }

    /// <inheritdoc />
    public override string ToString() => Value;
}
