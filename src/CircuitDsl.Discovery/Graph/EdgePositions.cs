using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Discovery.Graph;

/// <summary>
/// The positions a per-position edge graph splits every edge by: the task's named positions given (each resolved per
/// example, as the language resolves <c>at END</c>), and one bucket, <see cref="Other"/>, for every position none of
/// them names, so that the per-position edges of one edge partition its positions and the graph still covers the
/// whole model. A sender at position p writes to the residual stream at p, which receivers read at p, so the edge
/// (sender at p) → (receiver at p) is the unit. The named sets must not share a position in any example (checked by
/// <see cref="Overlap"/>): otherwise one position would be in two edges and a claim at a name would measure more
/// than its edge.
/// </summary>
public sealed partial class EdgePositions
{
    /// <summary>The bucket of every position no named set holds (not a name the language can write).</summary>
    public const string Other = "other positions";

    EdgePositions(ImmutableArray<string> names, ImmutableArray<PositionSet> sets) => (Names, Sets) = (names, sets);

    /// <summary>The named positions as given (<c>END</c>, <c>S1+1</c>), in order; bucket i is Names[i].</summary>
    public ImmutableArray<string> Names { get; }

    public ImmutableArray<PositionSet> Sets { get; }

    /// <summary>The number of buckets: the names and the other positions.</summary>
    public int Count => Names.Length + 1;

    /// <summary>The label of bucket <paramref name="bucket"/>: a name, or <see cref="Other"/> for the last.</summary>
    public string Label(int bucket) => bucket < Names.Length ? Names[bucket] : Other;

    /// <summary>The bucket a label names (the inverse of <see cref="Label"/>), or -1.</summary>
    public int BucketOf(string label) => label == Other ? Names.Length : Names.IndexOf(label);

    /// <summary>The position set of a named bucket, as a claim at it says it.</summary>
    public PositionSet SetOf(string label) => Sets[Names.IndexOf(label)];

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)(?:([+-])([0-9]{1,6}))?$")]
    private static partial Regex NameSyntax();

    /// <summary>True when <paramref name="text"/> is a named position as the language writes one: <c>END</c>, <c>S1+1</c>.</summary>
    public static bool IsName(string text) => NameSyntax().IsMatch(text);

    /// <summary>The buckets of <paramref name="names"/> (each as <see cref="IsName"/> accepts it; distinct).</summary>
    public static EdgePositions Of(IEnumerable<string> names)
    {
        var list = names.ToImmutableArray();
        if (list.IsEmpty) throw new ArgumentException("a per-position graph needs at least one named position", nameof(names));
        var sets = ImmutableArray.CreateBuilder<PositionSet>();
        foreach (string name in list)
        {
            var match = NameSyntax().Match(name);
            if (!match.Success) throw new ArgumentException($"'{name}' is not a named position (END, S1+1)", nameof(names));
            int offset = match.Groups[2].Success ? int.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture) * (match.Groups[2].Value == "-" ? -1 : 1) : 0;
            sets.Add(PositionSet.Named(match.Groups[1].Value, offset));
        }
        if (list.Distinct(StringComparer.Ordinal).Count() != list.Length) throw new ArgumentException("a named position is given twice", nameof(names));
        return new EdgePositions(list, sets.ToImmutable());
    }

    /// <summary>The bucket of each position of <paramref name="example"/> (the named set that holds it, else <see cref="Other"/>'s).</summary>
    public int[] BucketsOf(Example example)
    {
        var buckets = Enumerable.Repeat(Names.Length, example.Length).ToArray();
        for (int k = 0; k < Names.Length; k++)
            foreach (int p in Sets[k].Resolve(example))
            {
                if (buckets[p] != Names.Length)
                    throw new ArgumentException($"{example.Source ?? "an example"}: {Names[buckets[p]]} and {Names[k]} both hold position {p}");
                buckets[p] = k;
            }
        return buckets;
    }

    /// <summary>Where two named sets share a position in one of <paramref name="examples"/>, said in a sentence; null when they never do.</summary>
    public string? Overlap(IEnumerable<Example> examples)
    {
        foreach (var example in examples)
            for (int a = 0; a < Names.Length; a++)
            {
                var held = Sets[a].Resolve(example);
                for (int b = a + 1; b < Names.Length; b++)
                    if (held.Intersect(Sets[b].Resolve(example)).FirstOrDefault(-1) is int p and >= 0)
                        return $"{Names[a]} and {Names[b]} both hold position {p} in {example.Source ?? "an example"}; per-position edges need positions that never coincide";
            }
        return null;
    }

    public override string ToString() => string.Join(", ", Names.Append(Other));
}
