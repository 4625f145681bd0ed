using CircuitDsl.Discovery.Graph;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>
/// Where each sender's write into the residual stream is read: the embeddings' hooks, a head's slice of
/// <c>hook_result</c> (z·W_O without the bias, TransformerLens's per-head result) and <c>hook_mlp_out</c>.
/// </summary>
internal static class SenderOutputs
{
    public static string HookOf(Component sender, HookedTransformer model) => sender.Kind switch
    {
        ComponentKind.TokenEmbedding => HookNames.Embed,
        ComponentKind.PositionalEmbedding => HookNames.PosEmbed,
        ComponentKind.Head => model.Hooks.Layers[sender.Layer].Result,
        ComponentKind.Mlp => model.Hooks.Layers[sender.Layer].MlpOut,
        _ => throw new ArgumentException($"{sender} sends nothing"),
    };

    /// <summary>A sender's write [n, p, d_model] out of the activation recorded at its hook.</summary>
    public static Tensor Select(Component sender, Tensor activation) =>
        sender.Kind == ComponentKind.Head ? activation.select(2, sender.HeadIndex) : activation;

    /// <summary>
    /// Runs <paramref name="tokens"/> cleanly and returns the logits, every sender's write, stacked in the graph's
    /// sender order: [senders, batch, pos, d_model], and the residual stream at the start of every layer and at the
    /// end: [layers + 1, batch, pos, d_model] (where a run that changes nothing before layer l may start). The caller owns all three.
    /// </summary>
    public static (Tensor Logits, Tensor Writes, Tensor Residuals) Run(HookedTransformer model, EdgeGraph graph, Tensor tokens)
    {
        using var scope = NewDisposeScope();
        int layers = model.Config.Layers;
        var streams = model.Hooks.Layers.Select(l => l.ResidPre).Append(model.Hooks.Layers[layers - 1].ResidPost).ToArray();
        var hooks = graph.Senders.Select(s => HookOf(s, model)).Concat(streams).ToHashSet(StringComparer.Ordinal);
        using var cache = new ActivationCache();
        var logits = model.Forward(tokens, new RunOptions { Cache = cache, CacheFilter = hooks.Contains, CacheCopies = false });
        var writes = stack(graph.Senders.Select(s => Select(s, cache[HookOf(s, model)])).ToArray());
        var residuals = stack(streams.Select(name => cache[name]).ToArray());
        return (logits.MoveToOuterDisposeScope(), writes.MoveToOuterDisposeScope(), residuals.MoveToOuterDisposeScope());
    }
}
