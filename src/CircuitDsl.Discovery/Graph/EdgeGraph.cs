using System.Collections.Immutable;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Discovery.Graph;

/// <summary>
/// The edges of a model (the graph ACDC, EAP and EAP-IG work on, with q, k and v inputs apart): senders are the token
/// embedding, the learned position embedding (where the model has one), every head's output and every MLP; receivers
/// are every head's q input, every key/value head's k and v input, every MLP's input and the logits. A sender feeds
/// every receiver that reads the residual stream after it writes (<see cref="Component.ResidualOrder"/>; in a parallel
/// block the MLP reads the block's input, beside its layer's heads). Under grouped-query attention a key/value head's
/// k and v inputs are one receiver each, named as the language names them: by the first query head of its group
/// (<c>L1.H2.k</c> for key/value head 1 of groups of 2; <c>L1.H3.k</c> is the same input, <see cref="Canonical"/>).
/// Edges are numbered in a stable topological order: by receiver (layer by layer, heads then the MLP, the logits last), then by sender, then (in a
/// per-position graph) by position bucket: the named positions in the order given, the other positions last.
/// A per-position graph (<see cref="Positions"/>) has each edge once per bucket: the same sender, receiver and mask
/// mechanism, applied only at that bucket's positions of each example.
/// </summary>
public sealed class EdgeGraph
{
    readonly Dictionary<Edge, int> index;

    EdgeGraph(ModelConfig config, ImmutableArray<Component> senders, ImmutableArray<Component> receivers, EdgePositions? positions)
    {
        Config = config;
        Senders = senders;
        Receivers = receivers;
        Positions = positions;
        string?[] labels = positions is null ? [null] : [.. Enumerable.Range(0, positions.Count).Select(positions.Label)];
        Edges = [.. receivers.SelectMany(r => senders.Where(s => Feeds(s, r)).SelectMany(s => labels.Select(at => new Edge(s, r, at))))];
        index = Edges.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
    }

    public ModelConfig Config { get; }

    /// <summary>The position buckets of a per-position graph; null when every edge is at every position.</summary>
    public EdgePositions? Positions { get; }

    /// <summary>How many edges each sender-receiver pair has: one per position bucket (1 without positions).</summary>
    public int Buckets => Positions?.Count ?? 1;

    /// <summary>Every sender, in the order the residual stream receives them.</summary>
    public ImmutableArray<Component> Senders { get; }

    /// <summary>Every receiver, in computation order (the logits last).</summary>
    public ImmutableArray<Component> Receivers { get; }

    /// <summary>Every edge, numbered in topological order.</summary>
    public ImmutableArray<Edge> Edges { get; }

    public int Count => Edges.Length;

    /// <summary>The number of <paramref name="edge"/>, or -1 when the model has no such edge.</summary>
    public int IndexOf(Edge edge) => index.GetValueOrDefault(edge, -1);

    public bool Contains(Edge edge) => index.ContainsKey(edge);

    /// <summary>The numbers of the edges from <paramref name="sender"/> into <paramref name="receiver"/>, one per position bucket, in bucket order.</summary>
    public IEnumerable<int> IndicesOf(Component sender, Component receiver)
    {
        int first = IndexOf(new Edge(sender, receiver, Positions?.Label(0)));
        return first < 0 ? [] : Enumerable.Range(first, Buckets);
    }

    /// <summary>The senders that feed <paramref name="receiver"/>, in residual order.</summary>
    public IEnumerable<Component> SendersOf(Component receiver) => Senders.Where(s => Feeds(s, receiver));

    /// <summary>True when <paramref name="sender"/> writes before <paramref name="receiver"/> reads.</summary>
    public bool Feeds(Component sender, Component receiver) => sender.ResidualOrder < ReadOrder(receiver);

    // A head's q/k/v input reads the stream at its head's place; an MLP's input reads it after its layer's heads, or
    // in a parallel block (GPT-NeoX) beside them: it reads the block's input, which no head of its layer has written.
    long ReadOrder(Component receiver) =>
        Config.ParallelResidual && receiver.Kind == ComponentKind.Mlp ? Component.Head(receiver.Layer, 0).ResidualOrder : receiver.AsOutput.ResidualOrder;

    /// <summary>
    /// The receiver as the graph names it: under grouped-query attention a head's k or v input is its key/value head's,
    /// named by the group's first query head (TransformerLens's ⌊h / G⌋: <c>L1.H3.k</c> is <c>L1.H2.k</c> for groups
    /// of 2); every other component as it is.
    /// </summary>
    public Component Canonical(Component receiver) => Canonical(Config, receiver);

    /// <inheritdoc cref="Canonical(Component)"/>
    public static Component Canonical(ModelConfig config, Component receiver) =>
        receiver is { Kind: ComponentKind.Head, Channel: Channel.Key or Channel.Value }
            ? receiver with { HeadIndex = config.KvHeadOf(receiver.HeadIndex) * config.QueriesPerKvHead }
            : receiver;

    /// <summary>
    /// The heads whose output reads <paramref name="receiver"/>: a key/value head's input is read by its whole group of
    /// query heads; a q input by its own head; an MLP's input by the MLP.
    /// </summary>
    public IEnumerable<Component> ReadersOf(Component receiver) =>
        receiver is { Kind: ComponentKind.Head, Channel: Channel.Key or Channel.Value } && Config.QueriesPerKvHead > 1
            ? Enumerable.Range(Canonical(receiver).HeadIndex, Config.QueriesPerKvHead).Select(h => Component.Head(receiver.Layer, h))
            : [receiver.AsOutput];

    /// <summary>The graph of <paramref name="config"/>'s model, per position when <paramref name="positions"/> is given.</summary>
    public static EdgeGraph For(ModelConfig config, EdgePositions? positions = null)
    {
        var senders = new List<Component> { Component.Embed };
        if (!config.IsRotary) senders.Add(Component.PosEmbed);
        var receivers = new List<Component>();
        for (int l = 0; l < config.Layers; l++)
        {
            for (int h = 0; h < config.Heads; h++)
            {
                senders.Add(Component.Head(l, h));
                receivers.Add(Component.Head(l, h, Channel.Query));
                // One k and one v input per key/value head, at its group's first query head.
                if (h % config.QueriesPerKvHead == 0) receivers.AddRange([Component.Head(l, h, Channel.Key), Component.Head(l, h, Channel.Value)]);
            }
            if (config.HasMlp)
            {
                senders.Add(Component.Mlp(l));
                receivers.Add(Component.Mlp(l));
            }
        }
        receivers.Add(Component.Logits);
        return new EdgeGraph(config, [.. senders], [.. receivers], positions);
    }
}
