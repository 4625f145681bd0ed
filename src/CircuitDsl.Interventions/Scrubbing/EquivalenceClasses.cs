using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// The classes of a variable over the counterfactual pool: pool examples that agree with a given datum on the
/// variable at every position of a position set (the variable read as a vector over the positions the node is
/// claimed at). Values are numbered (<see cref="ValueIds"/>), so the index keeps ints, not boxed values, per example.
/// </summary>
internal sealed class EquivalenceClasses(Dataset dataset, CausalVariable variable, PositionSet positions)
{
    readonly ValueIds ids = new();
    readonly Dictionary<int[], int[]> scanned = new(IntSequenceComparer.Instance); // [positions.., value numbers..] -> members
    PoolPartition? partition;

    public CausalVariable Variable => variable;

    /// <summary>The pool indices, in pool order, that share the variable's value on <paramref name="datum"/>.</summary>
    public ReadOnlySpan<int> MembersOf(int datum)
    {
        var example = dataset.Datum(datum);
        var at = positions.Resolve(example);
        var value = variable.Evaluate(example, at);
        // Fixed positions are the same for every example (a dataset's prompts share one length): group the pool once.
        if (positions.IsFixed())
            return (partition ??= new PoolPartition(dataset.Pool, variable, at, ids)).Members(ids.Find(value));
        int[] key = [.. at, .. ids.Intern(value)];
        if (!scanned.TryGetValue(key, out var members)) scanned[key] = members = Scan(at, value);
        return members;
    }

    /// <summary>For messages: the variable's value on <paramref name="datum"/> and the positions it was read at.</summary>
    public (object?[] Value, int[] Positions) Describe(int datum)
    {
        var example = dataset.Datum(datum);
        var at = positions.Resolve(example);
        return (variable.Evaluate(example, at), at);
    }

    // Per-example positions (named ones): compare each pool example at this datum's positions.
    int[] Scan(int[] at, object?[] value)
    {
        var members = new List<int>();
        for (int j = 0; j < dataset.Pool.Count; j++)
        {
            bool same = true;
            for (int k = 0; k < at.Length && same; k++)
                same = CausalVariable.ValueComparer.Equals(variable.Evaluate(dataset.Pool[j], at[k]), value[k]);
            if (same) members.Add(j);
        }
        return [.. members];
    }
}

/// <summary>
/// No example of the counterfactual pool agrees with a datum on a node's variable (Redwood's sampler asserts the
/// same). The message names the variable, its value, the example and the positions.
/// </summary>
public sealed class EmptyClassException(string node, string variable, string value, string example, string positions)
    : Exception($"node '{node}': no example in the counterfactual pool has {variable} = {value} (the value of {example} at positions {positions}); " +
                "causal scrubbing needs at least one agreeing input to resample (use more data, or a pool that contains the references)")
{
    public string Variable { get; } = variable;
    public string Value { get; } = value;
}
