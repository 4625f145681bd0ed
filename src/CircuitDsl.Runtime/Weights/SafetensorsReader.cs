using CircuitDsl.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// A safetensors file opened for reading: the header is parsed and checked on open, each tensor's bytes are
/// read only when asked for (so a caller can skip buffers it does not need), straight from the file into the
/// tensor's own storage in bounded chunks: no managed copy of a tensor, let alone of the file, is ever made.
/// </summary>
public sealed class SafetensorsReader : IDisposable
{
    readonly FileStream stream;
    readonly long dataStart;

    SafetensorsReader(string path, FileStream stream, SafetensorsHeader.Parsed header)
    {
        FilePath = path;
        this.stream = stream;
        dataStart = header.DataStart;
        Entries = header.Entries;
        Metadata = header.Metadata;
    }

    public string FilePath { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens and checks <paramref name="path"/>; problems raise <see cref="ModelFormatException"/> naming the file.</summary>
    public static SafetensorsReader Open(string path) => Open(path, "file not found");

    /// <summary>Opens and checks <paramref name="path"/>; <paramref name="missing"/> is the message when it does not exist.</summary>
    public static SafetensorsReader Open(string path, string missing)
    {
        var stream = ModelFiles.OpenRead(path, missing);
        try
        {
            return new SafetensorsReader(path, stream, SafetensorsHeader.Read(stream, path));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Reads every tensor as float32 (all must have a readable dtype). The caller owns the tensors.</summary>
    public static Dictionary<string, Tensor> ReadAll(string path)
    {
        using var reader = Open(path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var name in reader.Entries.Keys.Order(StringComparer.Ordinal)) result[name] = reader.Read(name);
            return result;
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => Entries.ContainsKey(name);

    /// <summary>The tensor <paramref name="name"/> as a new float32 CPU tensor that the caller owns.</summary>
    public Tensor Read(string name) => Read(name, ScalarType.Float32);

    /// <summary>The tensor <paramref name="name"/> in the dtype it is stored in (float32, float16 or bfloat16); the caller owns it.</summary>
    public Tensor ReadStored(string name) => Read(name, StoredType(name));

    /// <summary>The libtorch dtype of tensor <paramref name="name"/> as stored; throws unless this reader converts it.</summary>
    public ScalarType StoredType(string name) => Readable(Entry(name)).StoredType;

    /// <summary>The tensor <paramref name="name"/> as a new CPU tensor of <paramref name="dtype"/> that the caller owns.</summary>
    public Tensor Read(string name, ScalarType dtype)
    {
        var entry = Entry(name);
        TorchNative.EnsureLoaded();
        var result = empty(entry.Shape, dtype);
        try
        {
            ReadInto(name, result);
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads tensor <paramref name="name"/> into <paramref name="destination"/>, a contiguous floating-point CPU tensor
    /// of the stored shape (a model's parameter, or a view of one). A destination of the stored dtype receives the
    /// file's bits; otherwise libtorch converts, which is exact from float16 or bfloat16 to float32.
    /// </summary>
    public void ReadInto(string name, Tensor destination)
    {
        var (entry, storedType) = Readable(Entry(name));
        if (!destination.shape.SequenceEqual(entry.Shape))
            throw new ModelFormatException(FilePath, $"tensor '{name}' has shape {entry.ShapeText}, expected {SafetensorsEntry.FormatShape(destination.shape)}");
        if (destination.device_type != DeviceType.CPU || !destination.is_contiguous() || !destination.is_floating_point())
            throw new ArgumentException($"tensor '{name}' can only be read into a contiguous floating-point CPU tensor", nameof(destination));
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader needs a little-endian machine");
        TorchNative.EnsureLoaded();
        new TensorDataReader(stream.SafeFileHandle, FilePath, name).Read(dataStart + entry.Begin, storedType, destination);
    }

    SafetensorsEntry Entry(string name) =>
        Entries.TryGetValue(name, out var entry) ? entry : throw new ModelFormatException(FilePath, $"tensor '{name}' is missing");

    (SafetensorsEntry Entry, ScalarType StoredType) Readable(SafetensorsEntry entry) =>
        SafetensorsDType.TryGetReadable(entry.DType, out var storedType)
            ? (entry, storedType)
            : throw new ModelFormatException(FilePath, $"tensor '{entry.Name}' has dtype {entry.DType}; this reader converts only {SafetensorsDType.ReadableList}");

    public void Dispose() => stream.Dispose();
}
