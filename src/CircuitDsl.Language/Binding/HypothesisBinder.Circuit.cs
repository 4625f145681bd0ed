using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// The hypothesis's own edges, which <c>expect circuit faithfulness</c> keeps while every other edge of the edge graph
/// is ablated. Each <c>from</c> clause gives an edge from every sending component (its output) to every receiving
/// component's input: the clause's q, k or v input of a head, all three when the clause names none, a head's own input
/// when the node maps one (<c>L1.H0.k</c>), an MLP's input, or the logits. Each <c>expect path</c> claim gives an edge
/// between every pair of components of consecutive hops, read the same way. Edges span every position, so an
/// <c>at</c> on any of them is refused (CD2051) rather than ignored. Under grouped-query attention a head's k or v input
/// is its key/value head's (TransformerLens's ⌊h / G⌋), which the edge graph names by the group's first query head:
/// <c>L1.H3.k</c> with groups of 2 is the edge graph's <c>L1.H2.k</c>, so two heads of a group that claim the same
/// key input state one edge. In a parallel block a head does not feed its layer's MLP (CD2042 says so); no edge.
/// </summary>
internal sealed partial class HypothesisBinder
{
    /// <summary>The edges of the graph and the paths, each once, receivers in computation order, then senders.</summary>
    internal static ImmutableArray<CircuitEdge> CircuitEdges(InterpretationGraph? graph, IEnumerable<CircuitPath> paths, ModelShape? shape = null)
    {
        var edges = new List<CircuitEdge>();
        foreach (var node in graph?.Nodes ?? [])
            foreach (var input in node.Inputs)
                foreach (var receiver in node.Components)
                    foreach (var sender in input.Source.Components)
                        edges.AddRange(Receivers(receiver, input.Channel).Select(r => new CircuitEdge(sender.AsOutput, r)));
        foreach (var path in paths)
            for (int i = 0; i + 1 < path.Hops.Length; i++)
                foreach (var sender in path.Hops[i].Components)
                    foreach (var receiver in path.Hops[i + 1].Components)
                        edges.AddRange(Receivers(receiver, Channel.Output).Select(r => new CircuitEdge(sender.AsOutput, r)));
        return [.. edges.Where(e => Feeds(e.Sender, e.Receiver, shape)).Select(e => e with { Receiver = Canonical(e.Receiver, shape) }).Distinct()
            .OrderBy(e => e.Receiver.AsOutput.ResidualOrder).ThenBy(e => e.Receiver.HeadIndex).ThenBy(e => e.Receiver.Channel)
            .ThenBy(e => e.Sender.ResidualOrder).ThenBy(e => e.Sender.HeadIndex)];
    }

    /// <summary>The inputs of <paramref name="component"/> that a clause with <paramref name="channel"/> reads into.</summary>
    private static IEnumerable<Component> Receivers(Component component, Channel channel) => component switch
    {
        { IsEmbedding: true } => [], // the binder reports inputs of an embedding (CD2013)
        { Kind: ComponentKind.Head, Channel: not Channel.Output } => [component],
        { Kind: ComponentKind.Head } when channel != Channel.Output => [component with { Channel = channel }],
        { Kind: ComponentKind.Head } => [component with { Channel = Channel.Query }, component with { Channel = Channel.Key }, component with { Channel = Channel.Value }],
        _ => [component],
    };

    // An edge exists where the sender writes before the receiver reads (the binder reports the others: CD2007, CD2014, CD2042).
    private static bool Feeds(Component sender, Component receiver, ModelShape? shape) =>
        sender.ResidualOrder < receiver.AsOutput.ResidualOrder
        && !(shape is { ParallelBlocks: true } && sender.Kind == ComponentKind.Head && receiver.Kind == ComponentKind.Mlp && sender.Layer == receiver.Layer);

    /// <summary>A k or v input under grouped-query attention as the edge graph names it: by its group's first query head.</summary>
    private static Component Canonical(Component receiver, ModelShape? shape) =>
        shape is { QueriesPerKvHead: > 1 } && receiver is { Kind: ComponentKind.Head, Channel: Channel.Key or Channel.Value }
            ? receiver with { HeadIndex = shape.KvHeadOf(receiver.HeadIndex) * shape.QueriesPerKvHead }
            : receiver;

    /// <summary>
    /// Checks what <c>expect circuit</c> needs (edges, no positions on them, a model and method the edge evaluation can
    /// run) and gives each such expectation the hypothesis's edges.
    /// </summary>
    private ImmutableArray<BoundExpectation> BindCircuitExpectations(ImmutableArray<BoundExpectation> expectations, InterpretationGraph? graph, MethodChoices method, BoundMetric? metric)
    {
        var circuit = expectations.Where(e => e.Subject == ExpectationSubject.Circuit).ToList();
        if (circuit.Count == 0)
        {
            return expectations;
        }

        var first = circuit[0].Span;
        RefusePositionsOnEdges();

        if (method.Ablation.Value.PerGroup is { } group)
        {
            diagnostics.Add(DiagnosticCatalog.CircuitMethodUnsupported.Create(method.Ablation.Span, $"'ablation mean per {group}'",
                "an ablated edge carries one value per position (the counterfactual's write, the pool mean, or zero), not a mean per example group; write 'ablation mean', 'ablation zero' or 'ablation resample'"));
        }

        if (metric is { Kind: MetricKind.Accuracy })
        {
            diagnostics.Add(DiagnosticCatalog.CircuitMethodUnsupported.Create(metric.Span, "'metric accuracy'", "the edge evaluation scores logit_diff, loss and kl"));
        }

        var edges = CircuitEdges(graph, expectations.Where(e => e.Path is not null).Select(e => e.Path!), _shape);
        // Judged on the text, so that a graph with errors of its own (reported already) is not also called empty.
        bool statesEdges = hypothesis.Members.OfType<NodeSyntax>().Any(n => n.Inputs.Length > 0) || expectations.Any(e => e.Path is not null);
        if (!statesEdges)
        {
            diagnostics.Add(DiagnosticCatalog.CircuitWithoutEdges.Create(first, hypothesis.Name.Text));
        }

        return [.. expectations.Select(e => e.Subject == ExpectationSubject.Circuit ? e with { Edges = edges } : e)];
    }

    /// <summary>Every <c>at</c> on a node, a clause or a path hop would restrict edges to positions: CD2051 at each.</summary>
    private void RefusePositionsOnEdges()
    {
        void Refuse(AtClauseSyntax? at, string where)
        {
            if (at is not null)
            {
                diagnostics.Add(DiagnosticCatalog.CircuitEdgeAtPositions.Create(at.Span, where, string.Join(", ", at.Positions.Select(Formatting.SyntaxPrinter.Position))));
            }
        }

        foreach (var node in hypothesis.Members.OfType<NodeSyntax>())
        {
            Refuse(node.At, $"node '{node.Name.Text}'");
            foreach (var clause in node.Inputs)
            {
                Refuse(clause.At, $"a '{(clause.Channel == Channel.Output ? string.Empty : SyntaxFacts.ChannelSuffix(clause.Channel) + " ")}from' clause of node '{node.Name.Text}'");
            }
        }

        foreach (var expect in hypothesis.Members.OfType<ExpectSyntax>().Where(e => e.Path is not null))
        {
            foreach (var hop in expect.Path!.Hops)
            {
                Refuse(hop.At, $"'{Formatting.SyntaxPrinter.Header(expect)}'");
            }
        }
    }
}
