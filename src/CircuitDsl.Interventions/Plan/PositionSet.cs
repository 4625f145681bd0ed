using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Interventions.Plan;

/// <summary>
/// How the engine reads a <see cref="PositionSet"/> on an example: the shared vocabulary says which positions a
/// claim means; only here are they resolved against an example's length and named positions.
/// </summary>
public static class PositionResolution
{
    /// <summary>The sorted, distinct in-range positions of <paramref name="example"/>.</summary>
    public static int[] Resolve(this PositionSet positions, Example example) =>
        positions.IsAll ? Enumerable.Range(0, example.Length).ToArray()
              : positions.Selectors.SelectMany(s => Pick(s, example)).Where(p => p >= 0 && p < example.Length).Distinct().Order().ToArray();

    /// <summary>True when the positions are the same for every example of a given length (no named position in them).</summary>
    public static bool IsFixed(this PositionSet positions) => positions.Selectors.All(IsFixed);

    /// <summary>The positions one selector picks in <paramref name="example"/>, possibly out of range.</summary>
    static IEnumerable<int> Pick(PositionSelector selector, Example example) => selector switch
    {
        AllPositions => Enumerable.Range(0, example.Length),
        IndexPosition index => [index.Index < 0 ? example.Length + index.Index : index.Index],
        NamedPosition named => example.NamedPositions(named.Name).Select(p => p + named.Offset),
        IntersectionPositions both => both.Left.Resolve(example).Intersect(both.Right.Resolve(example)),
        DifferencePositions difference => difference.Left.Resolve(example).Except(difference.Right.Resolve(example)),
        _ => throw new ArgumentException($"unknown position selector {selector.GetType().Name}"),
    };

    static bool IsFixed(PositionSelector selector) => selector switch
    {
        NamedPosition => false,
        IntersectionPositions both => both.Left.IsFixed() && both.Right.IsFixed(),
        DifferencePositions difference => difference.Left.IsFixed() && difference.Right.IsFixed(),
        _ => true,
    };
}
