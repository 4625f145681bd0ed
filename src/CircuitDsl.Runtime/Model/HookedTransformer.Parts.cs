using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// Single parts of the forward pass, for engines that hold the rest of the residual stream fixed (path patching
// recomputes only the MLPs after a sender; every head is read from a cache).
public sealed partial class HookedTransformer
{
    /// <summary>
    /// The MLP output of block <paramref name="layer"/> (its LayerNorm included) for a given resid_mid
    /// [batch, pos, d_model], computed exactly as the forward pass computes it; the ln2 and mlp hooks fire, so
    /// interventions (e.g. a frozen LayerNorm scale) and caches apply. The caller owns the result.
    /// </summary>
    public Tensor MlpOut(int layer, Tensor residMid, RunOptions? options = null)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        if (blocks[layer].mlp is null)
            throw new InvalidOperationException($"{Config.Name} has no MLPs (attention-only)");
        options ??= RunOptions.Plain;
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        var run = new HookRun(Hooks, options);
        return Mlp(blocks[layer], Hooks.Layers[layer], residMid.alias(), run).MoveToOuterDisposeScope();
    }
}
