using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Parses and checks a safetensors header: 8 bytes little-endian length N, N bytes of JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>), then the data.
/// </summary>
static class SafetensorsHeader
{
    public const string MetadataKey = "__metadata__";
    // The format's own bound; it keeps a corrupt length from allocating gigabytes.
    const long MaxHeaderBytes = 100_000_000;

    public sealed record Parsed(long DataStart, IReadOnlyDictionary<string, SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata);

    public static Parsed Read(Stream stream, string file)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw new ModelFormatException(file, $"the file is {fileLength} bytes, too short for a safetensors header (truncated?)");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw new ModelFormatException(file, $"the header length {headerLength} is larger than the file ({fileLength} bytes): truncated or not a safetensors file");
        if (headerLength > MaxHeaderBytes)
            throw new ModelFormatException(file, $"the header length {headerLength} exceeds the format's limit of {MaxHeaderBytes} bytes");

        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength;
        var (entries, metadata) = ParseJson(headerBytes, file);
        CheckOffsets(entries.Values, fileLength - dataStart, file);
        return new Parsed(dataStart, entries, metadata);
    }

    static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseJson(byte[] headerBytes, string file)
    {
        JsonDocument document;
        try
        {
            // A tensor named twice would otherwise be read from whichever entry came last.
            document = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(file, $"the safetensors header is not valid JSON ({e.Message}); is this a safetensors file? It starts with \"{Preview(headerBytes)}\"");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new ModelFormatException(file, "the safetensors header must be a JSON object");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, metadata, file);
                else
                    entries[property.Name] = ReadEntry(property.Name, property.Value, file);
            }
            return (entries, metadata);
        }
    }

    static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string file)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException(file, $"\"{MetadataKey}\" must be an object of strings");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new ModelFormatException(file, $"\"{MetadataKey}\".\"{item.Name}\" must be a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    static SafetensorsEntry ReadEntry(string name, JsonElement value, string file)
    {
        ModelFormatException Bad(string what) => new(file, $"tensor '{name}': {what}");
        if (value.ValueKind != JsonValueKind.Object)
            throw Bad("its header entry must be an object with dtype, shape and data_offsets");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("no \"dtype\" string");
        string dtype = dtypeElement.GetString()!;
        if (!SafetensorsDType.TryGetWidth(dtype, out _))
            throw Bad($"unknown dtype '{dtype}' (this reader converts {SafetensorsDType.ReadableList})");
        long[] shape = ReadLongs(value, "shape", name, file);
        long[] offsets = ReadLongs(value, "data_offsets", name, file);
        if (offsets.Length != 2) throw Bad($"\"data_offsets\" must be [begin, end]; got {offsets.Length} numbers");
        return new SafetensorsEntry(name, dtype, shape, offsets[0], offsets[1]);
    }

    static long[] ReadLongs(JsonElement value, string field, string name, string file)
    {
        if (!value.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new ModelFormatException(file, $"tensor '{name}': no \"{field}\" array");
        var result = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
                throw new ModelFormatException(file, $"tensor '{name}': \"{field}\" must hold non-negative integers; got {item.GetRawText()}");
            result.Add(n);
        }
        return [.. result];
    }

    static void CheckOffsets(IEnumerable<SafetensorsEntry> entries, long dataLength, string file)
    {
        foreach (var e in entries)
        {
            if (e.End < e.Begin)
                throw new ModelFormatException(file, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] end before they begin");
            if (e.End > dataLength)
                throw new ModelFormatException(file, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] run past the end of the data ({dataLength} bytes): the file is truncated");
            SafetensorsDType.TryGetWidth(e.DType, out int width);
            long expected;
            try
            {
                expected = checked(e.ElementCount * width);
            }
            catch (OverflowException)
            {
                throw new ModelFormatException(file, $"tensor '{e.Name}': shape {e.ShapeText} is too large");
            }
            if (e.ByteLength != expected)
                throw new ModelFormatException(file, $"tensor '{e.Name}': dtype {e.DType} and shape {e.ShapeText} need {expected} bytes but data_offsets [{e.Begin}, {e.End}] give {e.ByteLength}");
        }
    }

    static string Preview(byte[] bytes)
    {
        string text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 24));
        return new string(text.Select(c => char.IsControl(c) ? '.' : c).ToArray());
    }
}
