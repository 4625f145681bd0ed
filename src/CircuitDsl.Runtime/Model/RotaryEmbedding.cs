using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

/// <summary>
/// Rotary position embeddings in the rotate-half convention every supported family uses (Hugging Face's
/// <c>rotate_half</c>): for j &lt; r/2, u'_j = u_j cos a_j − u_{j+r/2} sin a_j and u'_{j+r/2} = u_{j+r/2} cos a_j + u_j sin a_j,
/// with a_j = p · θ^(−2j/r); dimensions at and above r (GPT-NeoX's partial rotary) pass through. The frequencies are
/// computed as Hugging Face computes them, in float32, and rescaled for Llama-3.1 when the config says so.
/// </summary>
internal sealed class RotaryEmbedding
{
    readonly float[] frequencies; // inv_j, j = 0 .. r/2 − 1
    readonly int dimensions;

    public RotaryEmbedding(ModelConfig config)
    {
        dimensions = config.RotaryDimensions;
        frequencies = new float[dimensions / 2];
        for (int j = 0; j < frequencies.Length; j++)
        {
            // θ^(2j/r) in float32 as torch evaluates base ** (arange(0, r, 2).float() / r), then its reciprocal.
            float exponent = (float)(2 * j) / dimensions;
            float inv = 1f / MathF.Pow((float)config.RotaryBase, exponent);
            frequencies[j] = config.RopeScaling is { } s ? Llama3(inv, s) : inv;
        }
    }

    /// <summary>
    /// Llama-3.1's rescaling (Hugging Face's <c>_compute_llama3_parameters</c>): wavelengths shorter than
    /// L/high_freq_factor keep their frequency, longer than L/low_freq_factor divide it by the factor, and those
    /// between interpolate smoothly.
    /// </summary>
    static float Llama3(float inv, RopeScaling s)
    {
        double wavelength = 2 * Math.PI / inv;
        double lowWavelength = s.OriginalContextLength / s.LowFreqFactor, highWavelength = s.OriginalContextLength / s.HighFreqFactor;
        if (wavelength < highWavelength) return inv;
        if (wavelength > lowWavelength) return (float)(inv / s.Factor);
        double smooth = (s.OriginalContextLength / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (float)((1 - smooth) * inv / s.Factor + smooth * inv);
    }

    /// <summary>q or k [batch, pos, head, d_head] rotated by their positions first .. first + pos − 1.</summary>
    public Tensor Apply(Tensor u, int first = 0)
    {
        long positions = u.shape[1];
        using var inv = tensor(frequencies, device: u.device);
        var angles = arange(first, first + positions, dtype: ScalarType.Float32, device: u.device).outer(inv); // [pos, r/2]
        var doubled = cat([angles, angles], -1).view(1, positions, 1, dimensions);
        var cos = doubled.cos();
        var sin = doubled.sin();
        var rotated = u.narrow(-1, 0, dimensions);
        int half = dimensions / 2;
        var rotatedHalf = cat([-rotated.narrow(-1, half, half), rotated.narrow(-1, 0, half)], -1);
        var result = rotated * cos + rotatedHalf * sin;
        return dimensions == u.shape[^1] ? result : cat([result, u.narrow(-1, dimensions, u.shape[^1] - dimensions)], -1);
    }
}
