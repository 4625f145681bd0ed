using System.Runtime.InteropServices;

namespace CircuitDsl;

/// <summary>
/// The one name a file has once every symbolic link on its path is resolved (the folders' as well as its own), so
/// that `--out here/x` with `here -> .` is seen to be `./x`. A path that does not exist yet keeps its last part and
/// resolves its folder.
/// </summary>
public static partial class RealPaths
{
    /// <summary>The canonical absolute form of <paramref name="path"/>.</summary>
    public static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows()) return full;
        if (Resolve(full) is { } real) return real;
        string? folder = Path.GetDirectoryName(full);
        return folder is null || folder == full ? full : Path.Combine(Of(folder), Path.GetFileName(full));
    }

    static string? Resolve(string path)
    {
        IntPtr resolved = RealPath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            Free(resolved);
        }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr RealPath(string path, IntPtr buffer);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(IntPtr pointer);
}
