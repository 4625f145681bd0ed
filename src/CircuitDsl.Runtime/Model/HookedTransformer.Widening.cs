using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// Weight matrices may be kept in float16 or bfloat16 (WeightDtype); the forward computes in float32 regardless, so
// every use of a weight matrix goes through one of these. With float32 weights they hand the weight itself to the
// op: no copy, the same numbers as before.
public sealed partial class HookedTransformer
{
    /// <summary>
    /// <paramref name="op"/> applied to <paramref name="weight"/> in float32. A half-precision weight is widened
    /// (exactly) into a copy that is disposed as soon as the op returns, so at most one widened matrix is alive.
    /// </summary>
    static Tensor WithFloat32(Tensor weight, Func<Tensor, Tensor> op)
    {
        if (weight.dtype == ScalarType.Float32) return op(weight);
        using var wide = weight.to(ScalarType.Float32);
        return op(wide);
    }

    /// <summary>
    /// <paramref name="x"/> [..., d_model] times the unembedding [d_model, vocab]. A half-precision unembedding (as large
    /// as the embedding, a third of GPT-2 small) is widened a block of columns at a time, so the forward's transient
    /// float32 copy stays at <see cref="WidenedBlockBytes"/> instead of the whole matrix.
    /// </summary>
    Tensor UnembedMatmul(Tensor x)
    {
        var wU = W_U;
        if (wU.dtype == ScalarType.Float32) return x.matmul(wU);
        long vocab = wU.shape[1], columns = Math.Max(1, WidenedBlockBytes / (sizeof(float) * wU.shape[0]));
        if (columns >= vocab) return WithFloat32(wU, x.matmul);
        var blocks = new List<Tensor>();
        try
        {
            for (long first = 0; first < vocab; first += columns)
                blocks.Add(WithFloat32(wU.narrow(1, first, Math.Min(columns, vocab - first)), x.matmul));
            return cat(blocks, -1);
        }
        finally
        {
            foreach (var block in blocks) block.Dispose();
        }
    }

    /// <summary>The most bytes of one widened block of the unembedding.</summary>
    internal const long WidenedBlockBytes = 16 << 20;

    /// <summary>A slice of a weight (embedding rows, unembedding columns) in float32: widened only when it is not.</summary>
    static Tensor Widen(Tensor slice) => slice.dtype == ScalarType.Float32 ? slice : slice.to(ScalarType.Float32);
}
