using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Runs the scrubbed model for one batch of references (Chan et al. §3.2 <c>run_scrub</c>, on the residual
/// decomposition of §1.6). For a node copy with datum d, unclaimed-input datum u and component c reading the
/// residual stream at channel ch:
/// <code>input_ch = R_u + Σ_{child feeding ch} Σ_{w ∈ child} mask_child ⊙ (out_child[w] − w(u))</code>
/// where R_u is the clean residual c reads on u, w(u) a writer's clean output on u and out_child[w] the child's
/// scrubbed output. Then c runs on these inputs (a head through its split q/k/v inputs; an MLP on its resid_mid;
/// the logits component's output is its input itself, the final residual stream, which the metric unembeds at the
/// rows it reads). Clean outputs come from cached runs; when nothing differs from u, c's output is read from u's
/// cache, so the identity hypothesis gives the model's own final stream exactly.
/// </summary>
internal sealed class ScrubEvaluator(ComponentHooks hooks, Dataset dataset, RunCache runs)
{
    /// <summary>
    /// Reads unchanged outputs from the clean caches (true), or recomputes every mapped component through the
    /// residual decomposition even when all its deltas are zero (false: the algebraic check of treeification).
    /// </summary>
    public bool ShortCircuit { get; init; } = true;

    /// <summary>A node copy's output for one component: its value [b, p, d], and the data it equals the clean run of (if any).</summary>
    sealed record Output(Tensor Value, int[]? CleanOn);

    /// <summary>The scrubbed final residual stream [b, p, d_model] (before the final LayerNorm) at the root.</summary>
    public Tensor Final(ScrubTree tree, ScrubSamples samples, int start, int end)
    {
        var outputs = Evaluate(tree.Root, samples, start, end);
        return outputs[tree.Root.Components[0]].Value;
    }

    /// <summary>The scrubbed full logits [b, p, vocab]: the dense reference of <see cref="Final"/>.</summary>
    public Tensor Logits(ScrubTree tree, ScrubSamples samples, int start, int end) =>
        hooks.Model.ForwardFrom(hooks.Model.Config.Layers, Final(tree, samples, start, end));

    Dictionary<Component, Output> Evaluate(ScrubTreeNode node, ScrubSamples samples, int start, int end)
    {
        var data = samples.DataOf(node)[start..end];
        var unmapped = samples.UnmappedOf(node)[start..end];
        var children = node.Children.Select(c => (Node: c, Outputs: Evaluate(c, samples, start, end))).ToArray();
        var result = new Dictionary<Component, Output>();
        foreach (var c in node.Components)
            result[c] = c.IsEmbedding
                ? new Output(hooks.ReadOutput(runs.Get(dataset, data).Cache, c), data)
                : Compute(c, data, unmapped, children);
        return result;
    }

    Output Compute(Component c, int[] data, int[] unmapped, (ScrubTreeNode Node, Dictionary<Component, Output> Outputs)[] children)
    {
        var u = runs.Get(dataset, unmapped);
        var channels = c.Kind == ComponentKind.Head ? new[] { Channel.Query, Channel.Key, Channel.Value } : [Channel.Output];
        var inputs = new Dictionary<Channel, Tensor>();
        Tensor? readerMaskExamplesCache = null;
        foreach (var (child, outputs) in children)
        {
            foreach (var (writer, output) in outputs)
            {
                if (ShortCircuit && output.CleanOn is not null && output.CleanOn.AsSpan().SequenceEqual(unmapped)) continue; // delta is exactly 0
                var delta = output.Value - hooks.ReadOutput(u.Cache, writer);
                if (!child.EdgePositions.IsAll)
                {
                    readerMaskExamplesCache = ComponentHooks.PositionMask(child.EdgePositions, data.Select(dataset.Datum).ToArray(), dataset.Length);
                    delta = delta * readerMaskExamplesCache.unsqueeze(-1).to(delta.dtype);
                }
                foreach (var ch in channels)
                    if (child.Via == Channel.Output || child.Via == ch)
                        inputs[ch] = inputs.TryGetValue(ch, out var sum) ? sum + delta : delta;
            }
        }
        if (!ShortCircuit && children.Length > 0)
            foreach (var ch in channels) inputs.TryAdd(ch, zeros(1));
        if (inputs.Count == 0)
            return new Output(c.Kind == ComponentKind.Logits ? u.Final : hooks.ReadOutput(u.Cache, c), unmapped);

        var residual = u.Cache[hooks.ReadHook(c)];
        var model = hooks.Model;
        switch (c.Kind)
        {
            case ComponentKind.Logits:
                return new Output(residual + inputs[Channel.Output], null); // the metric unembeds only what it reads
            case ComponentKind.Mlp:
                return new Output(model.MlpOut(c.Layer, residual + inputs[Channel.Output]), null);
            default:
            {
                var interventions = inputs.Select(kv => Intervention.Replace(
                    hooks.InputHook(c, kv.Key), (residual + kv.Value).unsqueeze(2), hooks.InputSelection([c.HeadIndex], kv.Key))).ToArray();
                using var cache = new ActivationCache();
                string result = model.Hooks.Layers[c.Layer].Result;
                model.ForwardFrom(c.Layer, residual, new RunOptions
                {
                    Interventions = interventions, Cache = cache, CacheFilter = n => n == result, StopAtLayer = c.Layer + 1,
                }).Dispose();
                return new Output(cache[result].select(2, c.HeadIndex).clone(), null);
            }
        }
    }
}
