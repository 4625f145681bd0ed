using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// The interpretation graph and the causal-scrubbing correspondence rules (Chan et al. 2022; the checks of
/// rust_circuit's Correspondence.check): one root, mapped to the output; every input of a mapped node is a
/// mapped node (named, or written inline); a node's inputs come from upstream components, so a child's paths
/// extend its parent's; no component is mapped twice after treeification; no cycles.
/// </summary>
internal sealed partial class HypothesisBinder
{
    /// <summary>Above this many nodes the treeified graph is refused (shared nodes multiply along paths).</summary>
    internal const int MaxTreeNodes = ResourceLimits.MaxTreeNodes;

    private InterpretationGraph? BindGraph(List<NodeSyntax> syntaxNodes)
    {
        int errorsBefore = diagnostics.ErrorCount;
        var nodes = syntaxNodes
            .Where(n => ReferenceEquals(_scope.Lookup(n.Name.Text)?.Declaration, n)) // duplicates are reported already
            .ToDictionary(n => n.Name.Text, StringComparer.Ordinal);
        var names = nodes.Keys.ToList();
        var children = names.ToDictionary(
            name => name,
            name => nodes[name].Inputs.SelectMany(i => i.Sources).Select(NodeReferenced).OfType<string>().ToList(),
            StringComparer.Ordinal);

        var (cycles, order) = new DependencyGraph(names, name => children[name]).Analyze();
        foreach (var cycle in cycles)
        {
            diagnostics.Add(DiagnosticCatalog.Cycle.Create(nodes[cycle[0]].Name.Span, "Nodes", string.Join(" -> ", cycle)));
        }

        if (cycles.Count > 0)
        {
            return null;
        }

        var referenced = children.Values.SelectMany(c => c).ToHashSet(StringComparer.Ordinal);
        var roots = names.Where(n => !referenced.Contains(n)).ToList();
        if (roots.Count != 1)
        {
            diagnostics.Add(DiagnosticCatalog.RootCount.Create(hypothesis.Name.Span, roots.Count, string.Join(", ", roots.Select(r => $"'{r}'"))));
        }
        // Without the model's shape nothing resolves to components; that error was already given (CD5003).
        else if (_shape is not null && _sets[roots[0]] is not [{ Kind: ComponentKind.Logits, Channel: Channel.Output }])
        {
            string maps = _sets[roots[0]].IsEmpty ? "nothing" : string.Join(", ", _sets[roots[0]]);
            diagnostics.Add(DiagnosticCatalog.RootNotOutput.Create(nodes[roots[0]].Name.Span, roots[0], maps));
        }

        var built = new Dictionary<string, InterpretationNode>(StringComparer.Ordinal);
        var all = new List<InterpretationNode>();
        foreach (string name in order)
        {
            var node = nodes[name];
            var inputs = BindInputs(name, node, built, all);
            built[name] = new InterpretationNode(name, false, _sets[name], BindPositions(node.At), BindVariableReference(node.Computes), inputs, node.Span);
            all.Add(built[name]);
        }

        if (diagnostics.ErrorCount > errorsBefore || roots.Count != 1)
        {
            return null;
        }

        var root = built[roots[0]];
        if (TreeSize(root) > MaxTreeNodes)
        {
            diagnostics.Add(DiagnosticCatalog.TreeTooLarge.Create(hypothesis.Name.Span, MaxTreeNodes));
            return null;
        }

        return new InterpretationGraph(root, [.. all.OrderBy(n => n.Span.Offset)]);
    }

    /// <summary>The node a source names, when it names one.</summary>
    private string? NodeReferenced(ComponentSyntax source) =>
        source is NamedComponentSyntax named && _scope.Lookup(named.Name.Text)?.Kind == SymbolKind.Node ? named.Name.Text : null;

    private ImmutableArray<InterpretationInput> BindInputs(string name, NodeSyntax node, Dictionary<string, InterpretationNode> built, List<InterpretationNode> all)
    {
        var components = _sets[name];
        if (node.Inputs.Length > 0 && components.Any(c => c.IsEmbedding))
        {
            diagnostics.Add(DiagnosticCatalog.InputsOfInputNode.Create(node.Name.Span, name, components.First(c => c.IsEmbedding)));
        }

        var result = ImmutableArray.CreateBuilder<InterpretationInput>();
        foreach (var clause in node.Inputs)
        {
            static bool IsHeadOutput(Component c) => c is { Kind: ComponentKind.Head, Channel: Channel.Output };
            if (clause.Channel != Channel.Output && !components.All(IsHeadOutput))
            {
                var notHead = components.First(c => !IsHeadOutput(c));
                diagnostics.Add(DiagnosticCatalog.ChannelOnNonHead.Create(clause.Span, SyntaxFacts.ChannelSuffix(clause.Channel), $"{notHead} (node '{name}')"));
            }

            var positions = BindPositions(clause.At);
            var agreeing = BindVariableReference(clause.AgreeingOn);
            var inline = new List<ComponentSyntax>();
            foreach (var source in clause.Sources)
            {
                if (source.Channel != Channel.Output)
                {
                    diagnostics.Add(DiagnosticCatalog.SenderWithChannel.Create(source.Span, Formatting.SyntaxPrinter.Component(source), "an input source", SyntaxFacts.ChannelSuffix(source.Channel)));
                }
                else if (NodeReferenced(source) is { } child && built.TryGetValue(child, out var childNode))
                {
                    result.Add(new InterpretationInput(clause.Channel, childNode, positions, agreeing, clause.Span));
                }
                else if (NodeReferenced(source) is null)
                {
                    inline.Add(source);
                }
            }

            if (inline.Count > 0)
            {
                // Components written in place form an anonymous node; its variable is the clause's 'agreeing on'.
                string slot = clause.Channel == Channel.Output ? "in" : SyntaxFacts.ChannelSuffix(clause.Channel);
                var anonymous = new InterpretationNode(
                    $"{name}.{slot}:{SyntaxFacts.Shorten(Formatting.SyntaxPrinter.Components(inline.Take(8)))}", true, ResolveComponents(inline, _scope), positions, agreeing, [], clause.Span);
                all.Add(anonymous);
                result.Add(new InterpretationInput(clause.Channel, anonymous, positions, null, clause.Span));
            }
        }

        var inputs = result.ToImmutable();
        CheckDirections(name, components, inputs);
        CheckMappedOnce(name, components, inputs);
        return inputs;
    }

    /// <summary>Every input must come from upstream of the receiving components (a child's paths extend its parent's).</summary>
    private void CheckDirections(string name, ImmutableArray<Component> parents, ImmutableArray<InterpretationInput> inputs)
    {
        foreach (var input in inputs)
        {
            var problem = parents.Where(p => !p.IsEmbedding)
                .SelectMany(p => input.Source.Components.Select(s => (Source: s.AsOutput, Receiver: Receiver(p, input.Channel))))
                .Select(step => (step.Source, Reason: StepProblem(step.Source, step.Receiver)))
                .FirstOrDefault(step => step.Reason is not null);
            if (problem.Reason is not null)
            {
                string clause = input.Channel == Channel.Output ? "'from'" : $"'{SyntaxFacts.ChannelSuffix(input.Channel)} from'";
                diagnostics.Add(DiagnosticCatalog.EdgeNotExtending.Create(input.Span, clause, name, problem.Source, problem.Reason));
                continue;
            }

            var parallel = parents.SelectMany(p => input.Source.Components.Select(s => (Source: s.AsOutput, Receiver: p)))
                .Where(step => SkipsParallelBlock(step.Source, step.Receiver)).Take(1);
            foreach (var (source, receiver) in parallel)
            {
                diagnostics.Add(DiagnosticCatalog.ParallelBlock.Create(input.Span, source, receiver, _shape!.Name, receiver.Layer));
            }
        }

        static Component Receiver(Component parent, Channel channel) =>
            channel == Channel.Output || parent.Kind != ComponentKind.Head ? parent : parent with { Channel = channel };
    }

    /// <summary>
    /// After treeification each (receiving component, input slot, sending component) is one place in the tree;
    /// two inputs of one node that claim the same place map a component twice.
    /// </summary>
    private void CheckMappedOnce(string name, ImmutableArray<Component> parents, ImmutableArray<InterpretationInput> inputs)
    {
        var owners = new Dictionary<(Component Parent, Channel Slot, Component Source), int>();
        var reported = new HashSet<(int, int)>();
        for (int index = 0; index < inputs.Length; index++)
        {
            var input = inputs[index];
            foreach (var parent in parents)
            {
                foreach (var slot in Slots(parent, input.Channel))
                {
                    foreach (var source in input.Source.Components)
                    {
                        var key = (parent, slot, source.AsOutput);
                        if (!owners.TryAdd(key, index) && owners[key] != index && reported.Add((owners[key], index)))
                        {
                            string place = slot == Channel.Output ? $"the input of {parent}" : $"{parent with { Channel = slot }}";
                            diagnostics.Add(DiagnosticCatalog.MappedTwice.Create(input.Span, source.AsOutput, inputs[owners[key]].Source.Name, input.Source.Name, place, name));
                        }
                    }
                }
            }
        }

        static IEnumerable<Channel> Slots(Component parent, Channel channel) =>
            channel != Channel.Output ? [channel]
            : parent is { Kind: ComponentKind.Head, Channel: Channel.Output } ? [Channel.Query, Channel.Key, Channel.Value]
            : [Channel.Output];
    }

    /// <summary>
    /// How many node copies the engine's treeification makes (one per path from the root), counted without making them:
    /// a node's copies are one plus its inputs' copies, memoised per node and capped just past the limit. Depth is
    /// bounded by the residual order, which edges strictly decrease, and the graph has no cycle by now.
    /// </summary>
    private static long TreeSize(InterpretationNode root)
    {
        var sizes = new Dictionary<InterpretationNode, long>(ReferenceEqualityComparer.Instance);
        long Size(InterpretationNode node)
        {
            if (sizes.TryGetValue(node, out long size))
            {
                return size;
            }

            size = 1;
            foreach (var input in node.Inputs)
            {
                size = Math.Min(MaxTreeNodes + 1L, size + Size(input.Source));
            }

            return sizes[node] = size;
        }

        return Size(root);
    }
}
