using CircuitDsl.Discovery.Graph;

namespace CircuitDsl.Cli.Discover;

/// <summary>
/// The kept edges as the draft states them, so that `expect circuit faithfulness` measures what discovery kept: one
/// node per receiving component, whose `from` clauses are its kept incoming edges (language reference, "Circuit
/// faithfulness"), rooted at `out = logits`. A kept edge into a component none of whose output is kept (a dead end) is
/// left out: every reader of that component then takes its ablated write, so what it reads changes no metric (up to
/// rounding), and a graph must have the logits as its only root. The path claims add their edges too
/// (<see cref="Stated"/>).
/// </summary>
public static class DraftGraph
{
    /// <summary>The kept edges without dead ends: repeatedly drop edges into a component that no remaining edge reads.</summary>
    public static IReadOnlyList<Edge> Rooted(IEnumerable<Edge> kept)
    {
        var edges = kept.ToList();
        while (true)
        {
            var read = edges.Select(e => e.Sender).ToHashSet();
            int before = edges.Count;
            edges.RemoveAll(e => e.Receiver != Component.Logits && !read.Contains(e.Receiver.AsOutput));
            if (edges.Count == before) return edges;
        }
    }

    /// <summary>The edges the draft's hypothesis states: its graph's and its path claims' (each a kept edge).</summary>
    public static IReadOnlyList<Edge> Stated(IReadOnlyList<DraftEdge> edges) =>
        [.. Rooted(edges.Select(e => e.Edge)).Concat(edges.Where(DraftCircuit.IsClaimed).Select(e => e.Edge)).Distinct()];

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
