using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// The classes of a variable over the counterfactual pool: pool examples that agree with a given datum on the
/// variable at every position of a position set (the variable read as a vector over the positions the node is
/// claimed at). Classes are built once per distinct (positions, value) and kept.
/// </summary>
internal sealed class EquivalenceClasses(Dataset dataset, CausalVariable variable, PositionSet positions)
{
    readonly Dictionary<(string Positions, object Value), int[]> classes = new(new KeyComparer());
    Dictionary<string, Dictionary<object, List<int>>>? fixedGroups;

    public CausalVariable Variable => variable;

    /// <summary>The variable's value on <paramref name="datum"/> and the pool indices that share it.</summary>
    public (object?[] Value, int[] Positions, int[] Members) ClassOf(int datum)
    {
        var example = dataset.Datum(datum);
        var at = positions.Resolve(example);
        var value = variable.Evaluate(example, at);
        var key = (string.Join(',', at), (object)value);
        if (!classes.TryGetValue(key, out var members))
        {
            members = positions.IsFixed ? FixedGroup(at, value) : Scan(at, value);
            classes[key] = members;
        }
        return (value, at, members);
    }

    // Fixed positions: group the whole pool by its value vector once, then every lookup is a dictionary probe.
    int[] FixedGroup(int[] at, object?[] value)
    {
        fixedGroups ??= [];
        string atKey = string.Join(',', at);
        if (!fixedGroups.TryGetValue(atKey, out var groups))
        {
            groups = new Dictionary<object, List<int>>(CausalVariable.ValueComparer!);
            for (int j = 0; j < dataset.Pool.Count; j++)
            {
                object v = variable.Evaluate(dataset.Pool[j], at);
                if (!groups.TryGetValue(v, out var list)) groups[v] = list = [];
                list.Add(j);
            }
            fixedGroups[atKey] = groups;
        }
        return groups.TryGetValue(value, out var found) ? [.. found] : [];
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

    sealed class KeyComparer : IEqualityComparer<(string Positions, object Value)>
    {
        public bool Equals((string Positions, object Value) x, (string Positions, object Value) y) =>
            x.Positions == y.Positions && CausalVariable.ValueComparer.Equals(x.Value, y.Value);
        public int GetHashCode((string Positions, object Value) obj) =>
            HashCode.Combine(obj.Positions, CausalVariable.ValueComparer.GetHashCode(obj.Value));
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
