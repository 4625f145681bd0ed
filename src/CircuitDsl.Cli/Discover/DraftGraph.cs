using CircuitDsl.Discovery.Graph;

namespace CircuitDsl.Cli.Discover;

/// <summary>
/// The kept edges as the draft states them, so that `expect circuit faithfulness` measures what discovery kept: one
/// node per receiving component, whose `from` clauses are its kept incoming edges (language reference, "Circuit
/// faithfulness"), rooted at `out = logits`. A kept edge into a component none of whose output is kept (a dead end) is
/// left out: every reader of that component then takes its ablated write, so what it reads changes no metric (up to
/// rounding), and a graph must have the logits as its only root. The path claims add their edges too
/// (<see cref="Stated"/>). Under grouped-query attention a key/value head's k or v input is read by its whole group
/// of query heads: an edge into it is a dead end only when none of them is read, and the draft states it on each head
/// of the group that is (<see cref="Spelled"/>), which the binder reads back as the one edge.
/// </summary>
public static class DraftGraph
{
    /// <summary>The kept edges without dead ends: repeatedly drop edges into a component that no remaining edge reads.</summary>
    public static IReadOnlyList<Edge> Rooted(IEnumerable<Edge> kept, EdgeGraph graph)
    {
        var edges = kept.ToList();
        while (true)
        {
            var read = edges.Select(e => e.Sender).ToHashSet();
            int before = edges.Count;
            edges.RemoveAll(e => e.Receiver != Component.Logits && !graph.ReadersOf(e.Receiver).Any(read.Contains));
            if (edges.Count == before) return edges;
        }
    }

    /// <summary>The edges the draft's hypothesis states: its graph's and its path claims' (each a kept edge).</summary>
    public static IReadOnlyList<Edge> Stated(IReadOnlyList<DraftEdge> edges, EdgeGraph graph) =>
        [.. Rooted(edges.Select(e => e.Edge), graph).Concat(edges.Where(DraftCircuit.IsClaimed).Select(e => e.Edge)).Distinct()];

    /// <summary>
    /// The rooted edges as the nodes state them: an edge into a key/value head's k or v input once for every head of
    /// its group whose output is read (the same edge, <c>L1.H2.k</c> and <c>L1.H3.k</c>); every other edge as it is.
    /// </summary>
    public static IReadOnlyList<Edge> Spelled(IReadOnlyList<Edge> rooted, EdgeGraph graph)
    {
        var read = rooted.Select(e => e.Sender).ToHashSet();
        return [.. rooted.SelectMany(e => GroupOf(e.Receiver, graph) is { } group
            ? group.Where(read.Contains).Select(head => e with { Receiver = head with { Channel = e.Receiver.Channel } })
            : [e])];
    }

    /// <summary>
    /// The edge as an <c>expect path</c> claim: a key/value head's input names every head of its group
    /// (<c>L0.H1 -&gt; L1.H2.k, L1.H3.k</c>), so that the path patches what the edge is and says so.
    /// </summary>
    public static string PathClaim(Edge edge, EdgeGraph graph)
    {
        if (GroupOf(edge.Receiver, graph) is not { } group) return edge.ToString();
        string at = edge.Position is { } position ? $" at {position}" : "";
        return $"{edge.Sender}{at} -> {string.Join(", ", group.Select(h => h with { Channel = edge.Receiver.Channel }))}{at}";
    }

    // The query heads that share this key/value input, or null for an input of one component.
    static Component[]? GroupOf(Component receiver, EdgeGraph graph) =>
        graph.ReadersOf(receiver).ToArray() is { Length: > 1 } group ? group : null;

    /// <summary>The node statements of <paramref name="rooted"/>, the root first and then from the last layer back; empty when no edge reaches the logits.</summary>
    public static IReadOnlyList<string> Nodes(IReadOnlyList<Edge> rooted)
    {
        var lines = new List<string>();
        var receiving = rooted.Select(e => e.Receiver.AsOutput).Distinct()
            .OrderBy(c => c == Component.Logits ? 0 : 1).ThenByDescending(c => c.ResidualOrder).ThenBy(c => c.HeadIndex).ToList();
        if (receiving.Count == 0 || receiving[0] != Component.Logits) return lines;
        var named = receiving.ToHashSet();
        foreach (var component in receiving)
        {
            lines.Add($"node {Name(component)} = {component}");
            foreach (var clause in rooted.Where(e => e.Receiver.AsOutput == component).GroupBy(e => e.Receiver.Channel).OrderBy(g => g.Key))
            {
                string channel = clause.Key == Channel.Output ? "" : ChannelWord(clause.Key) + " ";
                var senders = clause.Select(e => e.Sender).OrderBy(s => s.ResidualOrder).ThenBy(s => s.HeadIndex)
                    .Select(s => named.Contains(s) ? Name(s) : s.ToString());
                lines.Add($"  {channel}from {string.Join(", ", senders)}");
            }
        }
        return lines;
    }

    /// <summary>
    /// How many node copies the binder's treeification would make of the graph (one per path from the root), capped
    /// just above <paramref name="limit"/>: a graph over the limit would not bind (CD2035).
    /// </summary>
    public static long TreeSize(IReadOnlyList<Edge> rooted, long limit)
    {
        var memo = new Dictionary<Component, long>();
        long Size(Component node)
        {
            if (memo.TryGetValue(node, out long known)) return known;
            long size = 1;
            // One clause per channel: its named sources are copies of their nodes, its other senders one anonymous node.
            foreach (var clause in rooted.Where(e => e.Receiver.AsOutput == node).GroupBy(e => e.Receiver.Channel))
            {
                var senders = clause.Select(e => e.Sender).ToList();
                bool anonymous = senders.Any(s => !rooted.Any(e => e.Receiver.AsOutput == s));
                size = Math.Min(limit + 1, size + (anonymous ? 1 : 0) + senders.Where(s => rooted.Any(e => e.Receiver.AsOutput == s)).Sum(Size));
            }
            return memo[node] = size;
        }
        return Size(Component.Logits);
    }

    static string Name(Component component) => component == Component.Logits ? "out" : component.ToString().Replace('.', '_').ToLowerInvariant();

    static string ChannelWord(Channel channel) => channel switch { Channel.Query => "q", Channel.Key => "k", _ => "v" };
}
