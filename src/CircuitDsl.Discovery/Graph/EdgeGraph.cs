using System.Collections.Immutable;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Discovery.Graph;

/// <summary>
/// The edges of a model (the graph ACDC, EAP and EAP-IG work on, with q, k and v inputs apart): senders are the token
/// embedding, the learned position embedding (where the model has one), every head's output and every MLP; receivers
/// are every head's q, k and v input, every MLP's input and the logits. A sender feeds every receiver that reads the
/// residual stream after it writes (<see cref="Component.ResidualOrder"/>). Edges are numbered in a stable
/// topological order: by receiver (layer by layer, heads then the MLP, the logits last), then by sender.
/// </summary>
public sealed class EdgeGraph
{
    readonly Dictionary<Edge, int> index;

    EdgeGraph(ModelConfig config, ImmutableArray<Component> senders, ImmutableArray<Component> receivers)
    {
        Config = config;
        Senders = senders;
        Receivers = receivers;
        Edges = [.. receivers.SelectMany(r => senders.Where(s => Feeds(s, r)).Select(s => new Edge(s, r)))];
        index = Edges.Select((e, i) => (e, i)).ToDictionary(p => p.e, p => p.i);
    }

    public ModelConfig Config { get; }

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

    /// <summary>The senders that feed <paramref name="receiver"/>, in residual order.</summary>
    public IEnumerable<Component> SendersOf(Component receiver) => Senders.Where(s => Feeds(s, receiver));

    /// <summary>True when <paramref name="sender"/> writes before <paramref name="receiver"/> reads.</summary>
    public static bool Feeds(Component sender, Component receiver) => sender.ResidualOrder < ReadOrder(receiver);

    // A head's q/k/v input reads the stream at its head's place; an MLP's input reads it after its layer's heads.
    static long ReadOrder(Component receiver) => receiver.AsOutput.ResidualOrder;

    /// <summary>The graph of a model the discovery methods support (<see cref="Supported"/>), or an exception that says why not.</summary>
    public static EdgeGraph For(ModelConfig config)
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
        return new EdgeGraph(config, [.. senders], [.. receivers]);
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
