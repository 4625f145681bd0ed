using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Treeifies a hypothesis and checks it is well formed (anchors §1.5 "Checks" and §6.6): one root mapped to the
/// logits; components the model has; each input written strictly before its reader reads (a child's paths extend
/// its parent's; in a parallel block a head does not feed its own layer's MLP); no head mapped on a sandwich-norm
/// model, whose residual stream is not a sum of head outputs; no cycle; no component mapped twice into the same input of a node copy. Treeification copies
/// only nodes: inputs no node maps stay shared within their node (they all get its one other-inputs datum).
/// Per position, a head reads its q at one position and its k and v at every key position, so an input that feeds
/// a head's whole residual input is copied once per channel (q, k, v): each is its own path and gets its own sources.
/// </summary>
public static class Treeifier
{
    public static ScrubTree Treeify(ScrubHypothesis hypothesis, ComponentHooks hooks)
    {
        var root = hypothesis.Root;
        if (root.Components.Length != 1 || root.Components[0].Kind != ComponentKind.Logits)
            throw new HypothesisException(hypothesis.Name, $"the root '{root.Name}' must map the logits (it maps {string.Join(", ", root.Components)})");
        var tree = Copy(hypothesis, root, root.Name, Channel.Output, PositionSet.All, null, hooks, []);
        return new ScrubTree(hypothesis.Name, tree, hypothesis.RootSampling) { Resampling = hypothesis.Resampling };
    }

    static ScrubTreeNode Copy(
        ScrubHypothesis h, InterpretationNode node, string path, Channel via, PositionSet edgePositions,
        CausalVariable? condition, ComponentHooks hooks, List<InterpretationNode> stack)
    {
        if (stack.Contains(node))
            throw new HypothesisException(h.Name, $"node '{node.Name}' reads itself through {string.Join(" <- ", stack.Select(s => s.Name))}: the graph has a cycle");
        if (node.Components.IsEmpty)
            throw new HypothesisException(h.Name, $"node '{node.Name}' maps no component");
        foreach (var c in node.Components)
        {
            try
            {
                hooks.Require(c, $"node '{node.Name}'");
            }
            catch (ArgumentException e)
            {
                throw new HypothesisException(h.Name, e.Message);
            }
            if (c.Channel != Channel.Output)
                throw new HypothesisException(h.Name, $"node '{node.Name}' maps {c}; a node maps whole components, its inputs name the q/k/v channel");
            if (c.Kind == ComponentKind.Logits && stack.Count > 0)
                throw new HypothesisException(h.Name, $"node '{node.Name}' maps the logits but is read by '{stack[^1].Name}'; only the root may map the logits");
            if (c.Kind == ComponentKind.Head && hooks.Model.Config.SandwichNorms)
                throw new HypothesisException(h.Name,
                    $"node '{node.Name}' maps {c}, but {hooks.Model.Config.Name} normalises each attention block's output (sandwich norms: " +
                    "attn_out = ln1_post(Σ heads + b_O)), so a head's write into the residual stream depends on every other head of its layer " +
                    "and the stream is not a sum of head outputs; causal scrubbing on this model maps only MLPs and embeddings (path patching, " +
                    "activation patching and ablation of heads are exact)");
        }

        stack.Add(node);
        var children = new List<ScrubTreeNode>();
        var claimed = new HashSet<(Component Writer, Channel Channel, Component Reader)>();
        foreach (var input in node.Inputs)
        {
            CheckEdge(h, node, input, claimed, hooks);
            foreach (var channel in ChannelsOfCopies(h, node, input))
            {
                string childPath = $"{path}/{input.Source.Name}{(channel == Channel.Output ? "" : "." + Short(channel))}";
                children.Add(Copy(h, input.Source, childPath, channel, input.Positions.Intersect(input.Source.Positions),
                    input.Condition, hooks, stack));
            }
        }
        stack.RemoveAt(stack.Count - 1);

        // A node without inputs is a leaf (its inputs keep its datum) unless it says otherwise.
        var unmapped = node.Unmapped ?? (node.Inputs.IsEmpty ? UnmappedInputs.Keep : h.Unmapped);
        return new ScrubTreeNode(path, node, via, edgePositions, condition, unmapped, [.. children]);
    }

    /// <summary>The channel of each copy an input gets: per position, a head's whole input is three paths (q, k, v).</summary>
    static Channel[] ChannelsOfCopies(ScrubHypothesis h, InterpretationNode reader, InterpretationInput input)
    {
        if (h.Resampling != ResamplingGranularity.PerPosition || input.Channel != Channel.Output || !reader.Components.Any(c => c.Kind == ComponentKind.Head))
            return [input.Channel];
        if (!reader.Components.All(c => c.Kind == ComponentKind.Head))
            throw new HypothesisException(h.Name,
                $"node '{reader.Name}' maps heads and other components and reads '{input.Source.Name}' whole; per-position resampling splits a head's input into q, k and v, so map the heads in a node of their own");
        return [Channel.Query, Channel.Key, Channel.Value];
    }

    static void CheckEdge(ScrubHypothesis h, InterpretationNode reader, InterpretationInput input, HashSet<(Component, Channel, Component)> claimed, ComponentHooks hooks)
    {
        foreach (var r in reader.Components)
        {
            if (r.IsEmbedding)
                throw new HypothesisException(h.Name, $"node '{reader.Name}' maps {r}, which reads nothing, but lists input '{input.Source.Name}'");
            if (input.Channel != Channel.Output && r.Kind != ComponentKind.Head)
                throw new HypothesisException(h.Name, $"node '{reader.Name}' reads '{input.Source.Name}' through .{Short(input.Channel)}, but {r} is not an attention head");
            foreach (var w in input.Source.Components)
            {
                if (w.Kind == ComponentKind.Logits) continue; // reported when the source is copied
                if (!hooks.Feeds(w, r))
                    throw new HypothesisException(h.Name, w.ResidualOrder < r.ResidualOrder
                        ? $"node '{reader.Name}' ({r}) cannot read '{input.Source.Name}' ({w}): {hooks.Model.Config.Name} has parallel blocks, whose MLP reads the block's input beside the heads of its layer, not after them"
                        : $"node '{reader.Name}' ({r}) cannot read '{input.Source.Name}' ({w}): a component reads only what earlier components wrote into the residual stream");
                var channels = input.Channel == Channel.Output && r.Kind == ComponentKind.Head
                    ? new[] { Channel.Query, Channel.Key, Channel.Value }
                    : [input.Channel];
                foreach (var ch in channels)
                    if (!claimed.Add((w, ch, r)))
                        throw new HypothesisException(h.Name,
                            $"{w} is mapped twice into {r}{(ch == Channel.Output ? "" : "." + Short(ch))} of node '{reader.Name}'; after treeification each input may be matched once");
            }
        }
    }

    static string Short(Channel c) => c switch { Channel.Query => "q", Channel.Key => "k", Channel.Value => "v", _ => "out" };
}
