using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// The counterfactual pool split into classes of equal value vectors at fixed positions. The members of every class
/// lie in one array (class by class, each in pool order) and a class is keyed by its vector of value numbers, so the
/// index costs a few ints per pool example instead of a boxed value per example and position.
/// </summary>
internal sealed class PoolPartition
{
    readonly Dictionary<int[], int> classes = new(IntSequenceComparer.Instance);
    readonly int[] start;   // class c's members are members[start[c] .. start[c + 1]]
    readonly int[] members;

    public PoolPartition(IReadOnlyList<Example> pool, CausalVariable variable, int[] positions, ValueIds ids)
    {
        var classOf = new int[pool.Count];
        for (int j = 0; j < pool.Count; j++)
        {
            var key = ids.Intern(variable.Evaluate(pool[j], positions));
            if (!classes.TryGetValue(key, out classOf[j])) classes[key] = classOf[j] = classes.Count;
        }
        start = new int[classes.Count + 1];
        foreach (int c in classOf) start[c + 1]++;
        for (int c = 0; c < classes.Count; c++) start[c + 1] += start[c];
        var next = start[..^1];
        members = new int[pool.Count];
        for (int j = 0; j < pool.Count; j++) members[next[classOf[j]]++] = j;
    }

    /// <summary>The pool indices whose value numbers are <paramref name="key"/> (none when it is null or unseen).</summary>
    public ReadOnlySpan<int> Members(int[]? key) =>
        key is not null && classes.TryGetValue(key, out int c) ? members.AsSpan(start[c], start[c + 1] - start[c]) : [];
}
