using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// Single parts of the forward pass, for engines that hold the rest of the residual stream fixed (path patching
// recomputes only the MLPs after a sender; every head is read from a cache).
public sealed partial class HookedTransformer
{
    /// <summary>
    /// The MLP output of block <paramref name="layer"/> (its norms included) for the stream it reads [batch, pos, d_model]:
    /// resid_mid, or resid_pre in a parallel block (<see cref="ModelConfig.ParallelResidual"/>); computed exactly as the forward pass computes it; the ln2 and mlp hooks fire, so
    /// interventions (e.g. a frozen LayerNorm scale) and caches apply. The caller owns the result.
    /// </summary>
    public Tensor MlpOut(int layer, Tensor mlpInput, RunOptions? options = null)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        if (blocks[layer].mlp is null)
            throw new InvalidOperationException($"{Config.Name} has no MLPs (attention-only)");
        options ??= RunOptions.Plain;
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        var run = new HookRun(Hooks, options);
        return Mlp(blocks[layer], Hooks.Layers[layer], mlpInput.alias(), run).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The attention block's output of <paramref name="layer"/> given the sum of its heads' results (hook_result summed
    /// over heads) [batch, pos, d_model]: adds b_O and, for sandwich-norm models (Gemma-2), applies ln1_post, whose hooks
    /// fire. Engines that change one head's result use it where the block's output is not the sum of its heads'.
    /// </summary>
    public Tensor AttentionOut(int layer, Tensor resultSum, RunOptions? options = null)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        options ??= RunOptions.Plain;
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        var run = new HookRun(Hooks, options);
        var n = Hooks.Layers[layer];
        var output = resultSum + blocks[layer].attn.b_O;
        return (blocks[layer].ln1_post?.Apply(output, n.Ln1PostScale, n.Ln1PostNormalized, run) ?? output).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// What each head writes into the residual stream, given its result (hook_result, [..., d_model]) and, with
    /// sandwich norms (Gemma-2), ln1_post's scale in the same run (ln1_post.hook_scale, broadcast against it): the
    /// result itself, or the result through ln1_post with that scale held, (result − its mean, for LayerNorm) / scale ·
    /// w. With the scale held ln1_post is linear, so the heads' writes and b_O's (with ln1_post's bias) sum to
    /// hook_attn_out exactly. The caller owns the result.
    /// </summary>
    public Tensor HeadWrite(int layer, Tensor result, Tensor? ln1PostScale)
    {
        if (blocks[layer].ln1_post is not { } norm) return result.alias();
        if (ln1PostScale is null) throw new ArgumentNullException(nameof(ln1PostScale), $"{Config.Name} normalises its heads' sum (sandwich norms): a head's write needs ln1_post's scale");
        var centered = norm.b is null ? result : result - result.mean([-1], keepdim: true);
        return centered / ln1PostScale * norm.w;
    }
}
