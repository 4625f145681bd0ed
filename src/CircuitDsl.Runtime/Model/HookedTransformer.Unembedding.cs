using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// The final LayerNorm and the unembedding on their own, for engines that read only some positions or some columns
// of the logits: a metric at one position of a logit difference needs [rows, 2] products, not [batch, pos, vocab].
public sealed partial class HookedTransformer
{
    /// <summary>
    /// The final LayerNorm of <paramref name="residual"/> [..., d_model] (the residual itself when the model has no
    /// LayerNorm), computed as the forward pass computes it; its hooks fire, so a frozen scale or a cache applies.
    /// The caller owns the result.
    /// </summary>
    public Tensor NormalizeFinal(Tensor residual, RunOptions? options = null)
    {
        options ??= RunOptions.Plain;
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        var run = new HookRun(Hooks, options);
        var x = residual.alias();
        return (ln_final?.Apply(x, HookNames.FinalScale, HookNames.FinalNormalized, run) ?? x).MoveToOuterDisposeScope();
    }

    /// <summary>Full logits [..., vocab] of final residual streams [..., d_model] (e.g. only the rows a metric reads).</summary>
    public Tensor UnembedRows(Tensor residual, RunOptions? options = null)
    {
        using var mode = options?.Gradients == true ? null : no_grad();
        using var scope = NewDisposeScope();
        var x = NormalizeFinal(residual, options);
        // Float32 weights: the bias goes in with the product (one pass over the logits instead of two).
        var logits = W_U.dtype == ScalarType.Float32
            ? addmm(b_U, x.reshape(-1, x.shape[^1]), W_U, 1, 1).view([.. x.shape[..^1], W_U.shape[1]])
            : UnembedMatmul(x) + b_U;
        return SoftCapLogits(logits).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Only the logits of <paramref name="columns"/> [n, k] (token ids per row) for final residual streams
    /// <paramref name="residual"/> [n, d_model]: [n, k], reading k columns of the unembedding per row rather than all.
    /// </summary>
    public Tensor UnembedColumns(Tensor residual, Tensor columns, RunOptions? options = null)
    {
        if (residual.dim() != 2 || columns.dim() != 2 || columns.shape[0] != residual.shape[0])
            throw new ArgumentException($"rows [n, d_model] and columns [n, k] expected; got [{string.Join(", ", residual.shape)}] and [{string.Join(", ", columns.shape)}]");
        using var mode = options?.Gradients == true ? null : no_grad();
        using var scope = NewDisposeScope();
        long n = residual.shape[0], k = columns.shape[1];
        var x = NormalizeFinal(residual, options);
        var flat = columns.flatten();
        var w = Widen(W_U.t().index_select(0, flat)).view(n, k, Config.DModel); // [n, k, d]: the columns each row reads
        var logits = w.bmm(x.unsqueeze(-1)).squeeze(-1) + b_U.index_select(0, flat).view(n, k);
        return SoftCapLogits(logits).MoveToOuterDisposeScope();
    }
}
