using System.Collections.Immutable;
using CircuitDsl.Discovery.Graph;

namespace CircuitDsl.Discovery.Methods;

/// <summary>
/// What a method found: a score per edge of the graph (in its order) and, for ACDC, the edges it kept. Scores share one
/// sign convention: an estimate of m(edge ablated) − m(clean), the metric averaged over every scored position, so a
/// positive score for a loss (or a negative one for a logit difference) means the edge matters for the behaviour.
/// For ACDC the score is the change of its metric when the edge was tried (removal is permanent below tau).
/// </summary>
public sealed record EdgeScores(EdgeGraph Graph, DiscoveryMethod Method, ImmutableArray<double> Scores)
{
    /// <summary>ACDC's verdict per edge (true: kept); null for the scoring methods, whose selection is a separate rule.</summary>
    public ImmutableArray<bool>? Kept { get; init; }

    /// <summary>The metric of the clean model (mean over scored positions), in the metric the scores use.</summary>
    public double CleanMetric { get; init; }

    public double this[Edge edge] => Scores[Graph.IndexOf(edge)];

    /// <summary>The edges by |score|, largest first (ties in graph order).</summary>
    public IEnumerable<(Edge Edge, double Score)> Ranked() =>
        Graph.Edges.Select((e, i) => (e, Scores[i])).OrderByDescending(p => Math.Abs(p.Item2)).ThenBy(p => Graph.IndexOf(p.e));

    /// <summary>The <paramref name="count"/> edges of largest |score| (ACDC's kept edges when it kept fewer).</summary>
    public IReadOnlyList<Edge> Top(int count) =>
        [.. Ranked().Where(p => Kept is null || Kept.Value[Graph.IndexOf(p.Edge)]).Take(count).Select(p => p.Edge).OrderBy(Graph.IndexOf)];

    /// <summary>The edges with |score| ≥ <paramref name="threshold"/> (and kept, for ACDC), in graph order.</summary>
    public IReadOnlyList<Edge> AtLeast(double threshold) =>
        [.. Graph.Edges.Where((e, i) => Math.Abs(Scores[i]) >= threshold && (Kept is null || Kept.Value[i]))];

    /// <summary>ACDC's kept edges, in graph order.</summary>
    public IReadOnlyList<Edge> KeptEdges() =>
        Kept is { } kept ? [.. Graph.Edges.Where((_, i) => kept[i])] : throw new InvalidOperationException($"{Method} scores edges; it keeps none by itself");
}
