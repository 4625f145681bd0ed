using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// Where each TransformerLens parameter of a model comes from in a Hugging Face checkpoint. Shapes are checked from
/// the headers against <see cref="Expected"/> before the model is allocated; <see cref="Fill"/> then writes one
/// parameter at a time, in place, through at most one per-tensor temporary.
/// </summary>
abstract class HfTensorMap(ModelConfig config)
{
    protected ModelConfig Config { get; } = config;

    /// <summary>The separate unembedding's tensor (lm_head.weight, embed_out.weight); a tied checkpoint may still carry it, unused.</summary>
    public abstract string UnembeddingName { get; }

    /// <summary>Every tensor of the checkpoint, by HF name, with its [out, in] shape (the unembedding only when untied).</summary>
    public abstract Dictionary<string, long[]> Expected();

    /// <summary>Tensors that are buffers rather than weights (rotary inverse frequencies, causal masks): skipped.</summary>
    public virtual bool IsBuffer(string name) => name.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal);

    /// <summary>Writes parameter <paramref name="tlName"/> from the checkpoint.</summary>
    public abstract void Fill(string tlName, Tensor parameter, HfTensorSource hf);

    /// <summary>The tensors that become weight matrices W_* (whose dtype <see cref="ModelLoadOptions.KeepStoredDtype"/> may keep).</summary>
    public IEnumerable<string> MatrixSources() => Expected().Where(e => e.Value.Length == 2).Select(e => e.Key);

    protected static InvalidOperationException NoSource(string tlName) => new($"no checkpoint tensor for parameter '{tlName}'");
}

/// <summary>
/// A checkpoint's tensors for <see cref="HfTensorMap.Fill"/>. The last tensor read whole is kept until the next one,
/// because GPT-NeoX's W_Q, W_K and W_V (and their biases) are slices of one fused tensor.
/// </summary>
sealed class HfTensorSource(CheckpointTensors checkpoint) : IDisposable
{
    string? lastName;
    Tensor? last;

    /// <summary>Reads tensor <paramref name="name"/> straight into <paramref name="destination"/> (of its stored shape and layout).</summary>
    public void ReadInto(string name, Tensor destination) => checkpoint.ReadInto(name, destination);

    /// <summary>Tensor <paramref name="name"/> in its stored dtype, owned by this object until the next read or dispose.</summary>
    public Tensor Read(string name)
    {
        if (lastName != name)
        {
            Forget();
            last = checkpoint.ReadStored(name).DetachFromDisposeScope();
            lastName = name;
        }
        return last!;
    }

    /// <summary>Copies a value computed from tensor <paramref name="source"/> into <paramref name="parameter"/>, checking its shape.</summary>
    public void CopyInto(Tensor parameter, string source, Tensor value) => ModelParameters.CopyInto(parameter, value, source, checkpoint.FileOf(source));

    void Forget()
    {
        last?.Dispose();
        (last, lastName) = (null, null);
    }

    public void Dispose() => Forget();
}
