using System.Buffers.Binary;
using System.Text;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>A temporary folder removed at dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"circuitdsl-weights-{Guid.NewGuid():N}");

    public TempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

internal static class WeightsTestSupport
{
    public static readonly ModelConfig Gpt2Like = Model.TestModels.Gpt2Like with { Name = "weights-gpt2-like" };

    public static readonly ModelConfig AttentionOnlyNoNorm = new()
    {
        Name = "weights-attn-only", Layers = 2, Heads = 2, DModel = 16, DHead = 8,
        VocabSize = 20, ContextLength = 12, Normalization = Normalization.None, Activation = Activation.Relu,
    };

    /// <summary>A model whose every parameter (biases and LayerNorm too) is random and far from GPT-2's tiny init.</summary>
    public static HookedTransformer RandomModel(ModelConfig config, long seed = 1)
    {
        var model = new HookedTransformer(config);
        var generator = new Generator((ulong)seed);
        using (no_grad())
            foreach (var p in model.parameters()) p.copy_(randn(p.shape, generator: generator) * 0.5);
        return model;
    }

    public static Tensor Tokens(int vocab, int batch, int positions, long seed) =>
        randint(0, vocab, [batch, positions], generator: new Generator((ulong)seed), dtype: ScalarType.Int64);

    /// <summary>The bytes of a safetensors file with this header text and data, built by hand.</summary>
    public static byte[] RawFile(string headerJson, byte[] data, ulong? declaredHeaderLength = null)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, declaredHeaderLength ?? (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    public static byte[] UInt16s(params ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        return bytes;
    }

    public static float[] Floats(Tensor t) => t.contiguous().data<float>().ToArray();

    /// <summary>Same shape and bit-for-bit equal values.</summary>
    public static bool Same(Tensor actual, Tensor expected) => Model.TensorAssertions.Same(actual, expected);
}
