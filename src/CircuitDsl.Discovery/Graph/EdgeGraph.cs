using System.Collections.Immutable;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Discovery.Graph;

/// <summary>
/// The edges of a model (the graph ACDC, EAP and EAP-IG work on, with q, k and v inputs apart): senders are the token
/// embedding, the learned position embedding (where the model has one), every head's output and every MLP; receivers
/// are every head's q, k and v input, every MLP's input and the logits. A sender feeds every receiver that reads the
/// residual stream after it writes (<see cref="Component.ResidualOrder"/>). Edges are numbered in a stable
/// topological order: by receiver (layer by layer, heads then the MLP, the logits last), then by sender, then (in a
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
    public static bool Feeds(Component sender, Component receiver) => sender.ResidualOrder < ReadOrder(receiver);

    // A head's q/k/v input reads the stream at its head's place; an MLP's input reads it after its layer's heads.
    static long ReadOrder(Component receiver) => receiver.AsOutput.ResidualOrder;

    /// <summary>The graph (per position when <paramref name="positions"/> is given) of a model the discovery methods support (<see cref="Supported"/>), or an exception that says why not.</summary>
    public static EdgeGraph For(ModelConfig config, EdgePositions? positions = null)
    {
        if (Unsupported(config) is { } reason)
            throw new NotSupportedException($"discovery cannot run on {config.Name}: {reason}");
        var senders = new List<Component> { Component.Embed };
        if (!config.IsRotary) senders.Add(Component.PosEmbed);
        var receivers = new List<Component>();
        for (int l = 0; l < config.Layers; l++)
        {
            for (int h = 0; h < config.Heads; h++)
            {
                senders.Add(Component.Head(l, h));
                receivers.AddRange([Component.Head(l, h, Channel.Query), Component.Head(l, h, Channel.Key), Component.Head(l, h, Channel.Value)]);
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

    /// <summary>
    /// Why edges of this model are not a sum of sender outputs at each receiver, or null when they are. Edge patching
    /// needs each receiver's input to be the sum of the senders' writes (a pre-LayerNorm residual stream), and one
    /// k and v input per head.
    /// </summary>
    public static string? Unsupported(ModelConfig config) =>
        config.SandwichNorms ? "its blocks normalize their outputs (sandwich norms), so a head's write is not its output"
        : config.ParallelResidual ? "its MLPs read the block's input beside the heads (parallel residual); edges into them are not supported yet"
        : config.KvHeads != config.Heads ? "it shares keys and values between heads (grouped-query attention); per-head k and v edges are not supported yet"
        : null;
}
