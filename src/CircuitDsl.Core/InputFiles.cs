using System.Globalization;
using System.Runtime.InteropServices;

namespace CircuitDsl;

/// <summary>What a path names, as far as reading it as an input file goes.</summary>
public enum InputFileKind
{
    /// <summary>A regular file (after following symbolic links): the only kind that is read.</summary>
    Regular,

    /// <summary>Nothing exists at the path.</summary>
    Missing,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A device, FIFO or socket: reading may never end (<c>/dev/zero</c>) or block (a FIFO).</summary>
    Special,

    /// <summary>The path exists but cannot be inspected (permissions, an invalid name).</summary>
    Unreadable,
}

/// <summary>The kind and size of a path, looked at without opening it.</summary>
/// <param name="Kind">What the path names.</param>
/// <param name="Length">The size in bytes of a regular file (0 otherwise; <c>/proc</c> files report 0 too).</param>
/// <param name="Description">For <see cref="InputFileKind.Special"/> and <see cref="InputFileKind.Unreadable"/>: what it is or why.</param>
public readonly record struct InputFileInfo(InputFileKind Kind, long Length, string Description = "");

/// <summary>
/// Reads input files (sources, data) safely: a path is inspected before it is opened, so a FIFO is never opened
/// (opening it for reading blocks until a writer comes), a device is never read (<c>/dev/zero</c> never ends), and a
/// regular file is read to at most its limit plus one byte, so a file that grows or lies about its size
/// (<c>/proc</c>) is still refused instead of filling memory.
/// </summary>
public static class InputFiles
{
    /// <summary>The kind and size of <paramref name="path"/>, following symbolic links; never opens it.</summary>
    public static InputFileInfo Inspect(string path)
    {
        try
        {
            if (OperatingSystem.IsLinux() && LinuxStat.TryInspect(path) is { } linux)
            {
                return linux;
            }

            // Elsewhere (or without statx) .NET tells directories apart; a device is then bounded by the read limit, but a
            // pipe cannot be told from a file and would block when opened.
            if (Directory.Exists(path))
            {
                return new InputFileInfo(InputFileKind.Directory, 0);
            }

            var info = new FileInfo(path);
            return info.Exists ? new InputFileInfo(InputFileKind.Regular, info.Length) : new InputFileInfo(InputFileKind.Missing, 0);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new InputFileInfo(InputFileKind.Unreadable, 0, exception.Message);
        }
    }

    /// <summary>
    /// Why <paramref name="info"/> cannot be read as an input of at most <paramref name="maxBytes"/> bytes, or null
    /// when it can. <paramref name="limitName"/> names the limit in <see cref="ResourceLimits"/> for the message.
    /// </summary>
    public static string? Refusal(InputFileInfo info, long maxBytes, string limitName) => info.Kind switch
    {
        InputFileKind.Regular when info.Length > maxBytes => TooLarge(info.Length, maxBytes, limitName),
        InputFileKind.Regular => null,
        InputFileKind.Missing => "no such file",
        InputFileKind.Directory => "it is a directory, not a file",
        InputFileKind.Special => $"it is {info.Description}, not a regular file",
        _ => info.Description,
    };

    /// <summary>
    /// Reads a regular file of at most <paramref name="maxBytes"/> bytes. On failure returns false with a short
    /// reason (no such file, a directory, a device, too large, an I/O error), having read at most the limit plus one byte.
    /// </summary>
    public static bool TryReadBounded(string path, long maxBytes, string limitName, out byte[] bytes, out string error)
    {
        bytes = [];
        var info = Inspect(path);
        if (Refusal(info, maxBytes, limitName) is { } refusal)
        {
            error = refusal;
            return false;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int read;
            while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    error = TooLarge(buffer.Length, maxBytes, limitName, atLeast: true);
                    return false;
                }
            }

            bytes = buffer.ToArray();
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = exception is FileNotFoundException or DirectoryNotFoundException ? "no such file" : exception.Message;
            return false;
        }
    }

    /// <summary>A size for people: 1.5 MiB, 256 MiB, 812 bytes.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.# GiB", CultureInfo.InvariantCulture),
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.# MiB", CultureInfo.InvariantCulture),
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.# KiB", CultureInfo.InvariantCulture),
        _ => $"{bytes} bytes",
    };

    private static string TooLarge(long length, long maxBytes, string limitName, bool atLeast = false) =>
        $"it holds {(atLeast ? "more than " + maxBytes.ToString("N0", CultureInfo.InvariantCulture) : length.ToString("N0", CultureInfo.InvariantCulture))} bytes, " +
        $"over the limit of {maxBytes.ToString("N0", CultureInfo.InvariantCulture)} ({Size(maxBytes)}; {nameof(ResourceLimits)}.{limitName})";

    /// <summary>statx(2): one struct layout on every Linux architecture (stat's differs between x64 and arm64).</summary>
    private static class LinuxStat
    {
        private const int AtFdCwd = -100;
        private const uint StatxType = 0x1;
        private const uint StatxSize = 0x200;
        private const int ModeOffset = 28;
        private const int SizeOffset = 40;
        private const int FileTypeMask = 0xF000;
        private const int NoSuchFile = 2; // ENOENT
        private const int NotADirectory = 20; // ENOTDIR: a path segment is a file
        private const int NotPermitted = 1; // EPERM
        private const int NotImplemented = 38; // ENOSYS

        [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
        private static extern int Statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

        /// <summary>The path's kind and size, or null where the C library has no statx (glibc before 2.28, older musl).</summary>
        public static InputFileInfo? TryInspect(string path)
        {
            var buffer = new byte[256];
            int status;
            try
            {
                status = Statx(AtFdCwd, path, 0, StatxType | StatxSize, buffer);
            }
            catch (Exception exception) when (exception is EntryPointNotFoundException or DllNotFoundException)
            {
                return null;
            }

            if (status != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno is NotPermitted or NotImplemented) return null; // statx filtered out (a container's seccomp) or absent
                return errno is NoSuchFile or NotADirectory
                    ? new InputFileInfo(InputFileKind.Missing, 0)
                    : new InputFileInfo(InputFileKind.Unreadable, 0, Marshal.GetPInvokeErrorMessage(errno));
            }

            int mode = BitConverter.ToUInt16(buffer, ModeOffset) & FileTypeMask;
            long length = BitConverter.ToInt64(buffer, SizeOffset);
            return mode switch
            {
                0x8000 => new InputFileInfo(InputFileKind.Regular, length),
                0x4000 => new InputFileInfo(InputFileKind.Directory, 0),
                0x1000 => new InputFileInfo(InputFileKind.Special, 0, "a FIFO (named pipe)"),
                0x2000 => new InputFileInfo(InputFileKind.Special, 0, "a character device"),
                0x6000 => new InputFileInfo(InputFileKind.Special, 0, "a block device"),
                0xC000 => new InputFileInfo(InputFileKind.Special, 0, "a socket"),
                _ => new InputFileInfo(InputFileKind.Special, 0, "a special file"),
            };
        }
    }
}
