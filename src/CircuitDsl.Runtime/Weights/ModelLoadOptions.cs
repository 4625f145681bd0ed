using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>How a model folder is loaded.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>float32 parameters, whatever the checkpoint stores (the default).</summary>
    public static readonly ModelLoadOptions Default = new();

    /// <summary>
    /// When the checkpoint stores every weight matrix in one half-precision dtype (F16 or BF16), keep the model's
    /// weight matrices in it (half the resident weights) while the forward still computes in float32. A float32 or a
    /// mixed checkpoint loads as float32, since narrowing would change its values. Biases and LayerNorms stay float32.
    /// </summary>
    public bool KeepStoredDtype { get; init; }

    /// <summary>
    /// The <see cref="HookedTransformer.WeightDtype"/> for a checkpoint whose weight matrices are stored as
    /// <paramref name="matrixDtypes"/>.
    /// </summary>
    internal ScalarType WeightDtypeFor(IEnumerable<ScalarType> matrixDtypes)
    {
        if (!KeepStoredDtype) return ScalarType.Float32;
        var distinct = matrixDtypes.Distinct().ToList();
        return distinct is [var only and (ScalarType.Float16 or ScalarType.BFloat16)] ? only : ScalarType.Float32;
    }
}
