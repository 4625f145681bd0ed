using System.Runtime.InteropServices;

namespace CircuitDsl;

/// <summary>What kind of file system object a path names (following symbolic links).</summary>
public enum FileKind
{
    /// <summary>Nothing is there.</summary>
    Missing,
    /// <summary>A regular file: the only kind that is read or replaced.</summary>
    RegularFile,
    /// <summary>A folder.</summary>
    Directory,
    /// <summary>A character device such as /dev/null or /dev/zero.</summary>
    CharacterDevice,
    /// <summary>A block device (a disk).</summary>
    BlockDevice,
    /// <summary>A named pipe (FIFO).</summary>
    Pipe,
    /// <summary>A Unix socket.</summary>
    Socket,
}

/// <summary>
/// Tells regular files from devices, pipes and sockets, which .NET lists as plain files: reading /dev/zero never ends,
/// opening a pipe blocks until someone writes, and renaming a report over /dev/null would replace the device. Asks the
/// operating system (<c>statx</c> on Linux, whose layout is the same on every architecture; <c>stat</c> on macOS).
/// </summary>
public static partial class FileKinds
{
    /// <summary>The kind of what <paramref name="path"/> names, after following symbolic links.</summary>
    public static FileKind Of(string path)
    {
        if (Directory.Exists(path)) return FileKind.Directory;
        if (!File.Exists(path)) return FileKind.Missing;
        if (OperatingSystem.IsWindows())
            return new FileInfo(path).Attributes.HasFlag(FileAttributes.Device) ? FileKind.CharacterDevice : FileKind.RegularFile;
        int? mode = OperatingSystem.IsLinux() ? LinuxMode(path) : OperatingSystem.IsMacOS() ? MacMode(path) : null;
        return mode switch
        {
            null => FileKind.RegularFile, // another Unix: .NET's own view is all there is
            var m => (m & 0xF000) switch
            {
                0x8000 => FileKind.RegularFile,
                0x4000 => FileKind.Directory,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0x1000 => FileKind.Pipe,
                0xC000 => FileKind.Socket,
                _ => FileKind.CharacterDevice,
            },
        };
    }

    /// <summary>Whether <paramref name="path"/> names a regular file.</summary>
    public static bool IsRegularFile(string path) => Of(path) == FileKind.RegularFile;

    /// <summary>"a character device", "a pipe", ...: for messages such as "'/dev/zero' is a character device, not a file".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.RegularFile => "a file",
        FileKind.Directory => "a folder",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.Pipe => "a pipe",
        _ => "a socket",
    };

    const int AtFdCwd = -100;
    const int StatxMode = 0x2;

    static int? LinuxMode(string path)
    {
        var buffer = new byte[256]; // struct statx is 256 bytes; stx_mode is the u16 at offset 28
        return Statx(AtFdCwd, path, 0, StatxMode, buffer) == 0 ? BitConverter.ToUInt16(buffer, 28) : null;
    }

    static int? MacMode(string path)
    {
        var buffer = new byte[512]; // struct stat (64-bit inodes): st_dev is an int32, st_mode the u16 after it
        return MacStat(path, buffer) == 0 ? BitConverter.ToUInt16(buffer, 4) : null;
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, int mask, byte[] buffer);

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MacStat(string path, byte[] buffer);
}
