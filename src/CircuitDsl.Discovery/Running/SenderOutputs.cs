using CircuitDsl.Discovery.Graph;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>
/// Where each sender's write into the residual stream is read: the embeddings' hooks, a head's slice of
/// <c>hook_result</c> (z·W_O without the bias, TransformerLens's per-head result) and <c>hook_mlp_out</c>. With
/// sandwich norms (Gemma-2) the stream receives ln1_post(Σ_h result_h + b_O), so a head's write is its result through
/// ln1_post at that run's scale (<see cref="HookedTransformer.HeadWrite"/>): linear in the result once the scale is
/// held, so a block's heads' writes (and its bias's) sum to its <c>hook_attn_out</c> in every run. MLP writes are
/// <c>hook_mlp_out</c>, after ln2_post already.
/// </summary>
internal static class SenderOutputs
{
    /// <summary>The hooks whose activations make up <paramref name="sender"/>'s write, the last one firing last.</summary>
    public static string[] HooksOf(Component sender, HookedTransformer model) => sender.Kind switch
    {
        ComponentKind.TokenEmbedding => [HookNames.Embed],
        ComponentKind.PositionalEmbedding => [HookNames.PosEmbed],
        ComponentKind.Head when model.Config.SandwichNorms => [model.Hooks.Layers[sender.Layer].Result, model.Hooks.Layers[sender.Layer].Ln1PostScale],
        ComponentKind.Head => [model.Hooks.Layers[sender.Layer].Result],
        ComponentKind.Mlp => [model.Hooks.Layers[sender.Layer].MlpOut],
        _ => throw new ArgumentException($"{sender} sends nothing"),
    };

    /// <summary>A sender's write [n, p, d_model] out of the activations at its hooks (<see cref="HooksOf"/>).</summary>
    public static Tensor Write(Component sender, HookedTransformer model, Func<string, Tensor> activation)
    {
        var hooks = HooksOf(sender, model);
        if (sender.Kind != ComponentKind.Head) return activation(hooks[0]);
        var result = activation(hooks[0]).select(2, sender.HeadIndex);
        return model.Config.SandwichNorms ? model.HeadWrite(sender.Layer, result, activation(hooks[1])) : result;
    }

    /// <summary>
    /// Interventions that hand each sender's write in this very run to <paramref name="store"/> (its index in the
    /// graph's senders, the write) as the forward reaches the last of its hooks; they change nothing.
    /// </summary>
    public static IEnumerable<Intervention> Capture(HookedTransformer model, EdgeGraph graph, Action<int, Tensor> store)
    {
        var seen = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor Seen(string hook) => seen[hook];
        var completedAt = Enumerable.Range(0, graph.Senders.Length).ToLookup(s => HooksOf(graph.Senders[s], model)[^1]);
        foreach (var hook in graph.Senders.SelectMany(s => HooksOf(s, model)).Distinct())
            yield return Intervention.Custom(hook, (activation, _) =>
            {
                seen[hook] = activation;
                foreach (int s in completedAt[hook]) store(s, Write(graph.Senders[s], model, Seen));
                return activation;
            });
    }

    /// <summary>
    /// Runs <paramref name="tokens"/> cleanly and returns the logits, every sender's write, stacked in the graph's
    /// sender order: [senders, batch, pos, d_model], and the residual stream at the start of every layer and at the
    /// end: [layers + 1, batch, pos, d_model] (where a run that changes nothing before layer l may start). The caller owns all three.
    /// </summary>
    public static (Tensor Logits, Tensor Writes, Tensor Residuals) Run(HookedTransformer model, EdgeGraph graph, Tensor tokens)
    {
        var (logits, writes, residuals) = Run(model, graph, tokens, new RunOptions());
        return (logits, writes, residuals!);
    }

    /// <summary>Every sender's write alone [senders, batch, pos, d_model] (an ablated edge's source): the run stops at the final stream, unembedding nothing.</summary>
    public static Tensor Writes(HookedTransformer model, EdgeGraph graph, Tensor tokens)
    {
        var (final, writes, _) = Run(model, graph, tokens, new RunOptions { StopAtLayer = model.Config.Layers }, streams: false);
        final.Dispose();
        return writes;
    }

    /// <summary>
    /// As <see cref="Run(HookedTransformer, EdgeGraph, Tensor)"/> with <paramref name="interventions"/> that change no
    /// value, recording gradients and stopping at the final stream (returned in place of the logits): EAP's forward
    /// (<see cref="ReceiverGradients"/>). The final stream is in the run's graph; the writes and streams are recorded (detached) values.
    /// </summary>
    public static (Tensor Final, Tensor Writes, Tensor Residuals) RunWithGradients(HookedTransformer model, EdgeGraph graph, Tensor tokens, IReadOnlyList<Intervention> interventions)
    {
        var (final, writes, residuals) = Run(model, graph, tokens, new RunOptions { Interventions = interventions, Gradients = true, StopAtLayer = model.Config.Layers });
        return (final, writes, residuals!);
    }

    /// <param name="streams">Whether to record the residual streams too (null in the result when not).</param>
    static (Tensor Output, Tensor Writes, Tensor? Residuals) Run(HookedTransformer model, EdgeGraph graph, Tensor tokens, RunOptions options, bool streams = true)
    {
        using var scope = NewDisposeScope();
        int layers = model.Config.Layers;
        string[] streamHooks = streams ? [.. model.Hooks.Layers.Select(l => l.ResidPre).Append(model.Hooks.Layers[layers - 1].ResidPost)] : [];
        var hooks = graph.Senders.SelectMany(s => HooksOf(s, model)).Concat(streamHooks).ToHashSet(StringComparer.Ordinal);
        using var cache = new ActivationCache();
        var output = model.Forward(tokens, options with { Cache = cache, CacheFilter = hooks.Contains, CacheCopies = false });
        var writes = stack(graph.Senders.Select(s => Write(s, model, name => cache[name])).ToArray());
        var residuals = streams ? stack(streamHooks.Select(name => cache[name]).ToArray()).MoveToOuterDisposeScope() : null;
        return (output.MoveToOuterDisposeScope(), writes.MoveToOuterDisposeScope(), residuals);
    }
}
