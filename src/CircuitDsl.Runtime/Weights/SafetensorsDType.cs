using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>The dtypes of the safetensors format: their byte widths, and which of them this reader converts.</summary>
static class SafetensorsDType
{
    public const string F32 = "F32";

    // Every dtype the format defines, so that offsets can be checked even for tensors we will never read.
    static readonly Dictionary<string, int> Widths = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    // libtorch converts these to float32 exactly.
    static readonly Dictionary<string, ScalarType> Readable = new(StringComparer.Ordinal)
    {
        ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
    };

    public const string ReadableList = "F32, F16, BF16";

    public static bool TryGetWidth(string dtype, out int width) => Widths.TryGetValue(dtype, out width);

    public static bool TryGetReadable(string dtype, out ScalarType type) => Readable.TryGetValue(dtype, out type);

    /// <summary>The safetensors name of a dtype this code reads and writes (F32, F16, BF16).</summary>
    public static string NameOf(ScalarType type) =>
        Readable.FirstOrDefault(r => r.Value == type).Key
            ?? throw new ArgumentOutOfRangeException(nameof(type), type, $"safetensors tensors are read and written as {ReadableList} only");

    /// <summary>The byte width of a dtype this code reads and writes.</summary>
    public static int WidthOf(ScalarType type) => Widths[NameOf(type)];
}
