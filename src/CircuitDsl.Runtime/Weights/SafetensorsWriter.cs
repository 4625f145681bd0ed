using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Writes safetensors files (float32 unless asked for float16 or bfloat16) that are byte-for-byte reproducible:
/// tensors sorted by name, metadata sorted by key, compact JSON, header padded with spaces to 8 bytes (as the
/// reference implementation does).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (converted to float32) to <paramref name="path"/> through a temporary
    /// file in the same folder, so a reader never sees half a file.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors, ScalarType.Float32, metadata);

    /// <summary>
    /// Writes <paramref name="tensors"/> converted to <paramref name="storedType"/> (float32, float16 or bfloat16;
    /// narrowing rounds to nearest even, as libtorch does), through a temporary file as above.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, ScalarType storedType, IReadOnlyDictionary<string, string>? metadata = null)
    {
        TorchNative.EnsureLoaded();
        var sorted = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name == SafetensorsHeader.MetadataKey) throw new ArgumentException($"'{name}' is reserved for metadata");
            if (!sorted.TryAdd(name, tensor)) throw new ArgumentException($"tensor '{name}' is given twice");
        }

        WriteAtomically(path, sorted.ToDictionary(t => t.Key, t => t.Value.shape, StringComparer.Ordinal), name => sorted[name], storedType, metadata);
    }

    /// <summary>
    /// Writes a checkpoint larger than memory: the tensors' shapes first, then each tensor as <paramref name="make"/>
    /// makes it, in name order, each freed before the next is made, so at most one is alive (besides what the caller keeps).
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, long[]> shapes, Func<string, Tensor> make, ScalarType storedType, IReadOnlyDictionary<string, string>? metadata = null)
    {
        TorchNative.EnsureLoaded();
        if (shapes.ContainsKey(SafetensorsHeader.MetadataKey)) throw new ArgumentException($"'{SafetensorsHeader.MetadataKey}' is reserved for metadata");
        WriteAtomically(path, shapes, make, storedType, metadata);
    }

    static void WriteAtomically(string path, IReadOnlyDictionary<string, long[]> shapes, Func<string, Tensor> make, ScalarType storedType, IReadOnlyDictionary<string, string>? metadata)
    {
        string dtype = SafetensorsDType.NameOf(storedType);
        var sorted = new SortedDictionary<string, long[]>(shapes.ToDictionary(), StringComparer.Ordinal);
        AtomicFile.Write(path, stream =>
        {
            var buffered = new BufferedStream(stream, 1 << 16); // not disposed: that would close AtomicFile's stream before it syncs
            WriteTo(buffered, sorted, make, storedType, dtype, metadata);
            buffered.Flush();
        });
    }

    static void WriteTo(Stream stream, SortedDictionary<string, long[]> shapes, Func<string, Tensor> make, ScalarType storedType, string dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        byte[] header = Header(shapes, dtype, SafetensorsDType.WidthOf(storedType), metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var (name, shape) in shapes)
        {
            using var scope = NewDisposeScope(); // a tensor made here is freed here; one the caller passed in is not
            var tensor = make(name);
            if (!tensor.shape.SequenceEqual(shape))
                throw new ArgumentException($"tensor '{name}' was declared [{string.Join(", ", shape)}] but made [{string.Join(", ", tensor.shape)}]");
            var flat = Stored(tensor, storedType).view(-1);
            // A bounded chunk at a time: a span over libtorch's memory holds at most int.MaxValue bytes.
            long perChunk = TensorDataReader.ChunkBytes / flat.ElementSize;
            for (long first = 0; first < flat.numel(); first += perChunk)
                stream.Write(flat.narrow(0, first, Math.Min(perChunk, flat.numel() - first)).bytes);
        }
    }

    static byte[] Header(SortedDictionary<string, long[]> shapes, string dtype, int width, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape) in shapes)
            {
                long length = Model.ParameterShapes.Elements(shape) * width;
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += length;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned; JSON ignores trailing white space.
        int padding = (int)((8 - buffer.Length % 8) % 8);
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }

    static Tensor Stored(Tensor tensor, ScalarType storedType)
    {
        using var _ = no_grad();
        var cpu = tensor.detach().cpu();
        if (cpu.dtype != storedType)
        {
            if (!cpu.is_floating_point())
                throw new ArgumentException($"only floating-point tensors are written (as {SafetensorsDType.NameOf(storedType)}); got {cpu.dtype}");
            cpu = cpu.to(storedType);
        }
        return cpu.contiguous();
    }
}
