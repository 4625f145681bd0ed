using CircuitDsl.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// A safetensors file opened for reading: the header is parsed and checked on open, each tensor's bytes are
/// read only when asked for (so a caller can skip buffers it does not need) and returned as float32.
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

    /// <summary>Reads every tensor (all must have a readable dtype). The caller owns the tensors.</summary>
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
    public Tensor Read(string name)
    {
        if (!Entries.TryGetValue(name, out var entry))
            throw new ModelFormatException(FilePath, $"tensor '{name}' is missing");
        if (!SafetensorsDType.TryGetReadable(entry.DType, out var storedType))
            throw new ModelFormatException(FilePath, $"tensor '{name}' has dtype {entry.DType}; this reader converts only {SafetensorsDType.ReadableList}");
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader needs a little-endian machine");
        if (entry.ByteLength > Array.MaxLength)
            throw new ModelFormatException(FilePath, $"tensor '{name}' is {entry.ByteLength} bytes, more than one read can hold");

        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        var stored = empty(entry.Shape, storedType);
        if (entry.ByteLength > 0)
        {
            var bytes = new byte[entry.ByteLength];
            stream.Position = dataStart + entry.Begin;
            try
            {
                stream.ReadExactly(bytes);
            }
            catch (EndOfStreamException)
            {
                throw new ModelFormatException(FilePath, $"tensor '{name}': the file ended inside its data (truncated)");
            }
            stored.bytes = bytes;
        }
        var result = storedType == ScalarType.Float32 ? stored : stored.to(ScalarType.Float32);
        return result.MoveToOuterDisposeScope();
    }

    public void Dispose() => stream.Dispose();
}
