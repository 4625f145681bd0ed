using CircuitDsl.TestSupport;
using CircuitDsl.Runtime.Weights;
using TorchSharp;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

public class SafetensorsRoundTripTests
{
    [OneTimeSetUp]
    public void LoadTorch() => TorchNative.EnsureLoaded();

    [Test]
    public void Float32TensorsAndMetadataSurviveAWriteAndRead()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var tensors = new Dictionary<string, Tensor>
        {
            ["b.matrix"] = randn([3, 5], generator: g),
            ["a.cube"] = randn([2, 3, 4], generator: g),
            ["scalar"] = tensor(3.25f),
            ["empty"] = zeros(0, 4),
            ["double"] = tensor(new[] { 1.5, -2.0 }), // written as F32
        };
        string path = dir.File("w.safetensors");
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "é" });

        using var reader = SafetensorsReader.Open(path);
        Assert.That(reader.Entries.Keys, Is.EquivalentTo(tensors.Keys));
        Assert.That(reader.Metadata, Is.EquivalentTo(new Dictionary<string, string> { ["format"] = "pt", ["note"] = "é" }));
        Assert.That(reader.Entries.Values.Select(e => e.DType), Is.All.EqualTo("F32"));
        foreach (var (name, expected) in tensors)
        {
            var actual = reader.Read(name);
            Assert.That(actual.dtype, Is.EqualTo(ScalarType.Float32), name);
            Assert.That(actual.shape, Is.EqualTo(expected.shape), name);
            Assert.That(Same(actual, expected.to(ScalarType.Float32)), Is.True, name);
        }
    }

    [Test]
    public void TheSameTensorsGiveTheSameBytesWhateverTheirOrder()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var a = randn([4, 3], generator: new Generator(1));
        var b = randn([7], generator: new Generator(2));
        SafetensorsWriter.Write(dir.File("one"), [new("x", a), new("y", b)], new Dictionary<string, string> { ["k"] = "v", ["a"] = "b" });
        SafetensorsWriter.Write(dir.File("two"), [new("y", b), new("x", a)], new Dictionary<string, string> { ["a"] = "b", ["k"] = "v" });

        var one = File.ReadAllBytes(dir.File("one"));
        Assert.That(File.ReadAllBytes(dir.File("two")), Is.EqualTo(one));
        long headerLength = BitConverter.ToInt64(one, 0);
        Assert.That((8 + headerLength) % 8, Is.Zero, "data starts 8-byte aligned");
        Assert.That(Directory.GetFiles(dir.Path), Has.Length.EqualTo(2), "no temporary files are left behind");
    }

    [Test]
    public void TensorsMadeOneAtATimeGiveTheBytesOfTensorsInMemoryAndAreFreed()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor> { ["y"] = randn([7], generator: new Generator(2)), ["x"] = randn([4, 3], generator: new Generator(1)) };
        SafetensorsWriter.Write(dir.File("in-memory"), tensors, ScalarType.BFloat16);
        long before = LiveTensors.Count();
        SafetensorsWriter.Write(dir.File("made"), tensors.ToDictionary(t => t.Key, t => t.Value.shape), name => tensors[name].clone(), ScalarType.BFloat16);

        Assert.That(File.ReadAllBytes(dir.File("made")), Is.EqualTo(File.ReadAllBytes(dir.File("in-memory"))));
        Assert.That(Tensor.TotalCount, Is.EqualTo(before), "each made tensor is freed once written");
        Assert.That(() => SafetensorsWriter.Write(dir.File("wrong"), new Dictionary<string, long[]> { ["x"] = [3, 4] }, _ => zeros(4, 3), ScalarType.Float32),
            Throws.ArgumentException.With.Message.Contains("'x' was declared [3, 4] but made [4, 3]"));
    }

    [Test]
    public void Float16IsReadAsFloat32()
    {
        using var dir = new TempDir();
        // 1, -2, 0.5, 65504 (largest half), 2^-24 (smallest subnormal half)
        var data = UInt16s(0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001);
        File.WriteAllBytes(dir.File("h.safetensors"), RawFile("""{"h":{"dtype":"F16","shape":[5],"data_offsets":[0,10]}}""", data));

        using var reader = SafetensorsReader.Open(dir.File("h.safetensors"));
        using var t = reader.Read("h");
        Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Floats(t), Is.EqualTo(new[] { 1f, -2f, 0.5f, 65504f, MathF.Pow(2, -24) }));
    }

    [Test]
    public void BFloat16IsReadAsFloat32()
    {
        using var dir = new TempDir();
        // 1, -2, 0.5, 3.140625, and a 2x2 shape to check the layout is row-major
        var data = UInt16s(0x3F80, 0xC000, 0x3F00, 0x4049);
        File.WriteAllBytes(dir.File("b.safetensors"), RawFile("""{"__metadata__":{"format":"pt"},"b":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}   """, data));

        using var reader = SafetensorsReader.Open(dir.File("b.safetensors"));
        using var t = reader.Read("b");
        Assert.That(t.shape, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(Floats(t), Is.EqualTo(new[] { 1f, -2f, 0.5f, 3.140625f }));
        Assert.That(t[1, 0].item<float>(), Is.EqualTo(0.5f));
    }

    [Test]
    public void ReadAllReturnsEveryTensor()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        SafetensorsWriter.Write(dir.File("w"), [new("p", ones(2)), new("q", zeros(3))]);
        var all = SafetensorsReader.ReadAll(dir.File("w"));
        Assert.That(all.Keys, Is.EquivalentTo(new[] { "p", "q" }));
        Assert.That(all["p"].sum().item<float>(), Is.EqualTo(2f));
    }
}
