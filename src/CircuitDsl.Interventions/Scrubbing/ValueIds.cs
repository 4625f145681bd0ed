using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Numbers the distinct values of a causal variable (equal under <see cref="CausalVariable.ValueComparer"/>), so that
/// value vectors compare as int vectors: a class index then holds one boxed value per distinct value, not one per
/// example and position.
/// </summary>
internal sealed class ValueIds
{
    const int NullId = 0;
    readonly Dictionary<object, int> ids = new(CausalVariable.ValueComparer!);

    /// <summary>The number of each value, numbering the ones not seen before.</summary>
    public int[] Intern(object?[] values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is null) result[i] = NullId;
            else if (!ids.TryGetValue(value, out result[i])) ids[value] = result[i] = ids.Count + 1;
        }
        return result;
    }

    /// <summary>The numbers of values all seen before, or null when one is new (then nothing numbered so far equals the vector).</summary>
    public int[]? Find(object?[] values)
    {
        var result = new int[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value is null) result[i] = NullId;
            else if (!ids.TryGetValue(value, out result[i])) return null;
        }
        return result;
    }
}
