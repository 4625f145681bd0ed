using System.Collections.Immutable;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Pictures;

/// <summary>
/// A hypothesis as a picture-ready graph: one box per interpretation node (its components and the variable it
/// computes), one arrow per claimed input (the channel it reads through and what it agrees on), and one arrow per
/// path the expectations name. Layers order the boxes left to right as the residual stream does.
/// </summary>
public sealed record HypothesisGraph(IReadOnlyList<GraphBox> Boxes, IReadOnlyList<GraphArrow> Arrows)
{
    public static HypothesisGraph Of(BoundHypothesis hypothesis)
    {
        var boxes = new Dictionary<string, GraphBox>(StringComparer.Ordinal);
        var arrows = new List<GraphArrow>();
        if (hypothesis.Graph is { } graph)
        {
            foreach (var node in graph.Nodes)
                boxes[node.Name] = new GraphBox(node.Name, string.Join(", ", node.Components), node.Computes?.Name ?? node.Computes?.Expression,
                    node.Components.Min(c => c.ResidualOrder), Named: !node.IsInline);
            foreach (var node in graph.Nodes)
                foreach (var input in node.Inputs)
                    arrows.Add(new GraphArrow(input.Source.Name, node.Name, ChannelLabel(input.Channel, input.AgreeingOn), Claimed: true,
                        Outputs(input.Source.Components), [.. node.Components.Select(c => c.AsOutput with { Channel = input.Channel })]));
        }
        foreach (var expectation in hypothesis.Expectations.Where(e => e.Path is not null))
        {
            var hops = expectation.Path!.Hops;
            for (int i = 0; i + 1 < hops.Length; i++)
            {
                string from = BoxFor(boxes, hops[i]), to = BoxFor(boxes, hops[i + 1]);
                var arrow = new GraphArrow(from, to, ChannelLabel(hops[i + 1].Components[0].Channel, null), Claimed: false,
                    Outputs(hops[i].Components), [.. hops[i + 1].Components]);
                // Paths into L1.H0.q and into L1.H0.k join the same boxes but are different arrows.
                if (!arrows.Any(a => a.From == from && a.To == to && a.Joins(arrow.Senders, arrow.Receivers)))
                    arrows.Add(arrow);
            }
        }
        return new HypothesisGraph(boxes.Values.OrderBy(b => b.Order).ThenBy(b => b.Id, StringComparer.Ordinal).ToArray(), arrows);
    }

    /// <summary>The box of a path hop: an existing node mapping the same components, else a new box for them.</summary>
    static string BoxFor(Dictionary<string, GraphBox> boxes, PathHop hop)
    {
        string components = string.Join(", ", hop.Components.Select(c => c.AsOutput));
        var existing = boxes.Values.FirstOrDefault(b => b.Components == components);
        if (existing is not null) return existing.Id;
        string id = components.Replace(", ", "_").Replace('.', '_');
        boxes[id] = new GraphBox(id, components, null, hop.Components.Min(c => c.AsOutput.ResidualOrder), Named: false);
        return id;
    }

    static ImmutableArray<Component> Outputs(IEnumerable<Component> components) => [.. components.Select(c => c.AsOutput)];

    static string ChannelLabel(Channel channel, CausalVariable? agreeingOn)
    {
        string via = channel switch { Channel.Query => "q", Channel.Key => "k", Channel.Value => "v", _ => "" };
        string agree = agreeingOn is null ? "" : $"agreeing on {agreeingOn.Name ?? agreeingOn.Expression}";
        return string.Join(" ", new[] { via, agree }.Where(s => s.Length > 0));
    }
}

/// <param name="Order">The component's place in the residual stream (embeddings first, logits last).</param>
/// <param name="Named">Whether the file named the node (inline inputs such as <c>q from embed</c> are not).</param>
public sealed record GraphBox(string Id, string Components, string? Computes, long Order, bool Named);

/// <param name="Claimed">True for an input of the interpretation graph; false for a path only an expectation names.</param>
/// <param name="Senders">The components the arrow leaves (their outputs).</param>
/// <param name="Receivers">The components it enters, each with the channel it reads through (q, k, v or the output).</param>
public sealed record GraphArrow(string From, string To, string Label, bool Claimed, ImmutableArray<Component> Senders, ImmutableArray<Component> Receivers)
{
    /// <summary>Whether the arrow carries exactly these senders into exactly these receivers (order and repeats aside).</summary>
    public bool Joins(IEnumerable<Component> senders, IEnumerable<Component> receivers) =>
        Senders.ToHashSet().SetEquals(senders.Select(c => c.AsOutput)) && Receivers.ToHashSet().SetEquals(receivers);
}
