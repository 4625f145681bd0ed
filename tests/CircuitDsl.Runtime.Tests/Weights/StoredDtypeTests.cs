using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>
/// float32, float16 and bfloat16 data arrive whole and exact: across chunk boundaries, in the stored dtype when asked,
/// and widened to float32 with the same bits as a float32 file of the same (rounded) values.
/// </summary>
public class StoredDtypeTests
{
    static readonly ScalarType[] Stored = [ScalarType.Float32, ScalarType.Float16, ScalarType.BFloat16];

    [TestCaseSource(nameof(Stored))]
    public void ATensorOfSeveralChunksIsReadWhole(ScalarType storedType)
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        // One and a half chunks of float32 and an odd tail: both the direct and the staged path cross boundaries.
        long elements = TensorDataReader.ChunkBytes / 4 * 3 / 2 + 3;
        var values = randn([elements], generator: new Generator(5));
        SafetensorsWriter.Write(dir.File("w"), [new("big", values), new("small", values.narrow(0, 7, 5))], storedType);

        using var reader = SafetensorsReader.Open(dir.File("w"));
        var stored = values.to(storedType);
        Assert.That(reader.Entries["big"].DType, Is.EqualTo(SafetensorsDType.NameOf(storedType)));
        Assert.That(reader.StoredType("big"), Is.EqualTo(storedType));
        var asStored = reader.ReadStored("big");
        Assert.That(asStored.dtype, Is.EqualTo(storedType));
        Assert.That(Same(asStored, stored), Is.True, "the stored bits");
        var asFloat = reader.Read("big");
        Assert.That(asFloat.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Same(asFloat, stored.to(ScalarType.Float32)), Is.True, "widened exactly");
        Assert.That(Same(reader.Read("small"), stored.narrow(0, 7, 5).to(ScalarType.Float32)), Is.True, "a tensor that does not start the data");
    }

    [TestCase(ScalarType.Float16)]
    [TestCase(ScalarType.BFloat16)]
    public void AHalfPrecisionCheckpointLoadsAsTheFloat32CheckpointOfItsValues(ScalarType storedType)
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint(layers: 2, heads: 4, dModel: 32, vocab: 50, context: 16, seed: 21);
        checkpoint.WriteAs(dir.File("half"), storedType);
        using (var scope = NewDisposeScope())
            foreach (var name in checkpoint.Tensors.Keys.ToList())
            {
                var rounded = checkpoint.Tensors[name].to(storedType).to(ScalarType.Float32).DetachFromDisposeScope();
                checkpoint.Tensors[name].Dispose();
                checkpoint.Tensors[name] = rounded;
            }
        checkpoint.Write(dir.File("float"));

        using var half = ModelLoader.Load(dir.File("half"));
        using var full = ModelLoader.Load(dir.File("float"));
        foreach (var ((name, a), (_, b)) in half.Model.named_parameters().Zip(full.Model.named_parameters()))
        {
            Assert.That(a.dtype, Is.EqualTo(ScalarType.Float32), name);
            Assert.That(Same(a, b), Is.True, name);
        }
    }

    [Test]
    public void Gpt2ParametersAreTheConvertedTensorsBitForBit()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint(layers: 2, heads: 4, dModel: 32, vocab: 50, context: 16, seed: 22, tied: false);
        checkpoint.Write(dir.Path, transformerPrefix: true);
        using var loaded = ModelLoader.Load(dir.Path);
        using var scope = NewDisposeScope();
        var t = checkpoint.Tensors;
        var attn = loaded.Model.blocks[1].attn;
        var qkv = t["h.1.attn.c_attn.weight"];
        Assert.That(Same(loaded.Model.W_E, t["wte.weight"]), Is.True, "W_E");
        Assert.That(Same(loaded.Model.W_U, t["lm_head.weight"].t()), Is.True, "W_U");
        Assert.That(Same(attn.W_K, qkv.narrow(1, 32, 32).reshape(32, 4, 8).permute(1, 0, 2)), Is.True, "W_K");
        Assert.That(Same(attn.b_V, t["h.1.attn.c_attn.bias"].narrow(0, 64, 32).reshape(4, 8)), Is.True, "b_V");
        Assert.That(Same(attn.W_O, t["h.1.attn.c_proj.weight"].reshape(4, 8, 32)), Is.True, "W_O");
        Assert.That(Same(loaded.Model.blocks[1].mlp!.W_out, t["h.1.mlp.c_proj.weight"]), Is.True, "W_out");
        Assert.That(Same(loaded.Model.blocks[0].ln2!.b!, t["h.0.ln_2.bias"]), Is.True, "ln2.b");
    }

    [Test]
    public void ReadIntoRefusesADestinationItCannotFill()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        SafetensorsWriter.Write(dir.File("w"), [new("m", ones(2, 3))]);
        using var reader = SafetensorsReader.Open(dir.File("w"));

        var e = Assert.Throws<ModelFormatException>(() => reader.ReadInto("m", zeros(3, 2)))!;
        Assert.That(e.Message, Does.StartWith(dir.File("w")).And.Contain("tensor 'm' has shape [2, 3], expected [3, 2]"));
        Assert.Throws<ArgumentException>(() => reader.ReadInto("m", zeros(3, 2).t()), "not contiguous");
        Assert.Throws<ArgumentException>(() => reader.ReadInto("m", zeros([2, 3], ScalarType.Int32)), "not floating point");
        Assert.Throws<ArgumentOutOfRangeException>(() => SafetensorsWriter.Write(dir.File("x"), [new("m", ones(2))], ScalarType.Float64));
    }
}
