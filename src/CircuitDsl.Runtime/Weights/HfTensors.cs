using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// A GPT-2 checkpoint's tensors by canonical HF name (without "transformer."). The last tensor read as a whole is
/// kept until the next one, because W_Q, W_K and W_V (and their biases) are three slices of one c_attn tensor.
/// </summary>
sealed class HfTensors(SafetensorsReader reader, IReadOnlyDictionary<string, string> fileNames) : IDisposable
{
    string? lastName;
    Tensor? last;

    /// <summary>Reads tensor <paramref name="hfName"/> straight into <paramref name="destination"/> (of its stored shape).</summary>
    public void ReadInto(string hfName, Tensor destination) => reader.ReadInto(fileNames[hfName], destination);

    /// <summary>Tensor <paramref name="hfName"/> as float32, owned by this object until the next <see cref="Read"/> or dispose.</summary>
    public Tensor Read(string hfName)
    {
        if (lastName != hfName)
        {
            Forget();
            last = reader.Read(fileNames[hfName]).DetachFromDisposeScope();
            lastName = hfName;
        }
        return last!;
    }

    /// <summary>Copies a value computed from the checkpoint into <paramref name="parameter"/>, checking its shape.</summary>
    public void CopyInto(Tensor parameter, string tlName, Tensor value) => ModelParameters.CopyInto(parameter, value, tlName, reader.FilePath);

    void Forget()
    {
        last?.Dispose();
        (last, lastName) = (null, null);
    }

    public void Dispose() => Forget();
}
