using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Opens the files of a model folder only when they are regular files: a FIFO blocks whoever opens it, /dev/zero
/// never ends, and a folder named config.json is no config. Problems are <see cref="ModelFormatException"/>s naming the file.
/// </summary>
public static class ModelFiles
{
    /// <summary>Throws unless <paramref name="path"/> is a regular file (links followed); <paramref name="missing"/> says why it should exist.</summary>
    public static void RequireRegularFile(string path, string missing)
    {
        if (Directory.Exists(path)) throw new ModelFormatException(path, "is a folder, not a file");
        if (!File.Exists(path)) throw new ModelFormatException(path, missing);
        if (FileTypes.Describe(path) is { } other)
            throw new ModelFormatException(path, $"is a {other}, not a regular file, so it is not read");
    }

    /// <summary>A checked regular file, opened for reading.</summary>
    public static FileStream OpenRead(string path, string missing)
    {
        RequireRegularFile(path, missing);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot be read: {e.Message}");
        }
    }

    /// <summary>The whole of a checked regular file of at most <paramref name="maxBytes"/> (the bound <paramref name="limit"/> of ResourceLimits).</summary>
    public static byte[] ReadAllBytes(string path, string missing, long maxBytes, string limit)
    {
        using var stream = OpenRead(path, missing);
        long length = stream.Length;
        if (length > maxBytes)
            throw new ModelFormatException(path, $"is {length} bytes, above the limit of {maxBytes} (ResourceLimits.{limit})");
        var bytes = new byte[length];
        try
        {
            stream.ReadExactly(bytes);
            // A file that does not end where its length says (it grew, or the platform could not tell a device) is refused.
            if (stream.ReadByte() != -1) throw new ModelFormatException(path, "changed while it was read");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, $"cannot be read: {e.Message}");
        }
        return bytes;
    }

    // Duplicate keys are refused: with them a file could say two things, and a reader would pick one silently.
    static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The JSON of a small file of a model folder (config.json, tokenizer.json, card.json): a regular file of at most
    /// <see cref="ResourceLimits.MaxConfigFileBytes"/>, valid JSON without repeated keys.
    /// </summary>
    public static JsonNode? ReadJson(string path, string missing)
    {
        var bytes = ReadAllBytes(path, missing, ResourceLimits.MaxConfigFileBytes, nameof(ResourceLimits.MaxConfigFileBytes));
        try
        {
            return JsonNode.Parse(bytes, documentOptions: StrictJson);
        }
        catch (JsonException e)
        {
            throw new ModelFormatException(path, $"not valid JSON: {e.Message}");
        }
    }

    /// <summary>File types from the operating system without opening the file (Linux statx; elsewhere unknown).</summary>
    static class FileTypes
    {
        const int AtCurrentDirectory = -100;
        const uint StatxType = 0x1;
        const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, stx_mode

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        static extern int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);

        /// <summary>What <paramref name="path"/> is when it is not a regular file ("character device", ...); null for a regular file or when unknown.</summary>
        public static string? Describe(string path)
        {
            if (!OperatingSystem.IsLinux()) return null;
            var buffer = new byte[256];
            try
            {
                if (Statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0) return null;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                return null; // a libc older than glibc 2.28: the bounded read still refuses an endless file
            }
            return (BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000) switch
            {
                0x8000 => null,
                0x4000 => "folder",
                0x2000 => "character device",
                0x6000 => "block device",
                0x1000 => "named pipe (FIFO)",
                0xC000 => "socket",
                _ => "special file",
            };
        }
    }
}
