using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>Every malformed file gives a <see cref="ModelFormatException"/> naming the file and, where there is one, the tensor.</summary>
public class SafetensorsErrorTests
{
    TempDir dir = null!;
    string path = null!;

    [SetUp]
    public void CreateFolder()
    {
        TorchNative.EnsureLoaded();
        dir = new TempDir();
        path = dir.File("bad.safetensors");
    }

    [TearDown]
    public void RemoveFolder() => dir.Dispose();

    string OpenAndRead(byte[] file, string? tensor = null)
    {
        File.WriteAllBytes(path, file);
        var e = Assert.Throws<ModelFormatException>(() =>
        {
            using var reader = SafetensorsReader.Open(path);
            if (tensor is not null) reader.Read(tensor).Dispose();
        })!;
        Assert.That(e.Message, Does.Contain(path));
        Assert.That(e.ModelSource, Is.EqualTo(path));
        return e.Message;
    }

    [Test]
    public void HeaderLengthLargerThanTheFile()
    {
        var file = RawFile("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4], declaredHeaderLength: 1_000_000);
        Assert.That(OpenAndRead(file), Does.Contain("header length 1000000 is larger than the file"));
    }

    [Test]
    public void FileShorterThanTheLengthPrefix() =>
        Assert.That(OpenAndRead([1, 2, 3]), Does.Contain("too short"));

    [Test]
    public void HeaderThatIsNotJson() =>
        Assert.That(OpenAndRead(RawFile("PK\u0003\u0004 this is a zip", [])), Does.Contain("not valid JSON"));

    [Test]
    public void UnknownDType()
    {
        var message = OpenAndRead(RawFile("""{"blocks.0.attn.W_Q":{"dtype":"Q7","shape":[1],"data_offsets":[0,4]}}""", new byte[4]));
        Assert.That(message, Does.Contain("'blocks.0.attn.W_Q'").And.Contain("unknown dtype 'Q7'"));
    }

    [Test]
    public void DTypeOfTheFormatThatIsNotReadable()
    {
        var message = OpenAndRead(RawFile("""{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}""", new byte[16]), tensor: "ids");
        Assert.That(message, Does.Contain("'ids'").And.Contain("I64").And.Contain("F32, F16, BF16"));
    }

    [Test]
    public void TruncatedData()
    {
        // The header promises 2 x 4 floats; the file stops after 5 of them.
        var message = OpenAndRead(RawFile("""{"embed.W_E":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]}}""", new byte[20]));
        Assert.That(message, Does.Contain("'embed.W_E'").And.Contain("truncated"));
    }

    [Test]
    public void OffsetsThatDisagreeWithTheShape()
    {
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", new byte[8]));
        Assert.That(message, Does.Contain("'w'").And.Contain("need 12 bytes"));
    }

    [Test]
    public void MissingTensorAskedFor()
    {
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", new byte[4]), tensor: "unembed.W_U");
        Assert.That(message, Does.Contain("'unembed.W_U'").And.Contain("missing"));
    }

    [Test]
    public void EntryWithoutShape()
    {
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","data_offsets":[0,4]}}""", new byte[4]));
        Assert.That(message, Does.Contain("'w'").And.Contain("\"shape\""));
    }

    [Test]
    public void ATensorNamedTwice()
    {
        // With both entries kept, one of them would be read silently.
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", new byte[8]));
        Assert.That(message, Does.Contain("not valid JSON").And.Contain("Duplicate property 'w'"));
    }

    [Test]
    public void AShapeWhoseProductOverflows()
    {
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}""", new byte[4]));
        Assert.That(message, Does.Contain("'w'").And.Contain("shape [4611686018427387904, 4] is too large"));
    }

    [TestCase("[-1]", "non-negative integers; got -1")]
    [TestCase("[1e30]", "non-negative integers; got 1e30")]
    [TestCase("[2.5]", "non-negative integers; got 2.5")]
    public void ShapesThatAreNotSizes(string shape, string expected)
    {
        var message = OpenAndRead(RawFile($$$"""{"w":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,4]}}""", new byte[4]));
        Assert.That(message, Does.Contain("'w'").And.Contain(expected));
    }

    [Test]
    public void OffsetsThatEndBeforeTheyBegin()
    {
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}""", new byte[8]));
        Assert.That(message, Does.Contain("'w'").And.Contain("end before they begin"));
    }

    [Test]
    public void OffsetsPastTheEndOfTheFile()
    {
        var message = OpenAndRead(RawFile("""{"w":{"dtype":"F32","shape":[1],"data_offsets":[9223372036854775800,9223372036854775804]}}""", new byte[4]));
        Assert.That(message, Does.Contain("'w'").And.Contain("run past the end of the data (4 bytes)"));
    }
}
