using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Writes float32 safetensors files that are byte-for-byte reproducible: tensors sorted by name, metadata sorted
/// by key, compact JSON, header padded with spaces to 8 bytes (as the reference implementation does).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (converted to float32) to <paramref name="path"/> through a temporary
    /// file in the same folder, so a reader never sees half a file.
    /// </summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        TorchNative.EnsureLoaded();
        var sorted = new SortedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in tensors)
        {
            if (name == SafetensorsHeader.MetadataKey) throw new ArgumentException($"'{name}' is reserved for metadata");
            if (!sorted.TryAdd(name, tensor)) throw new ArgumentException($"tensor '{name}' is given twice");
        }

        AtomicFile.Write(path, stream =>
        {
            var buffered = new BufferedStream(stream, 1 << 16); // not disposed: that would close AtomicFile's stream before it syncs
            WriteTo(buffered, sorted, metadata);
            buffered.Flush();
        });
    }

    static void WriteTo(Stream stream, SortedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        byte[] header = Header(tensors, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var tensor in tensors.Values)
        {
            using var scope = NewDisposeScope();
            var data = AsFloat32(tensor);
            if (data.numel() > 0) stream.Write(data.bytes);
        }
    }

    static byte[] Header(SortedDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
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
            foreach (var (name, tensor) in tensors)
            {
                long length = tensor.numel() * sizeof(float);
                json.WriteStartObject(name);
                json.WriteString("dtype", SafetensorsDType.F32);
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape) json.WriteNumberValue(d);
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

    static Tensor AsFloat32(Tensor tensor)
    {
        using var _ = no_grad();
        var cpu = tensor.detach().cpu();
        if (cpu.dtype != ScalarType.Float32)
        {
            if (!cpu.is_floating_point())
                throw new ArgumentException($"only floating-point tensors are written (as F32); got {cpu.dtype}");
            cpu = cpu.to(ScalarType.Float32);
        }
        return cpu.contiguous();
    }
}
