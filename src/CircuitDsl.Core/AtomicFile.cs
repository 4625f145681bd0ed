using System.Text;

namespace CircuitDsl;

/// <summary>
/// Writes a file so that readers see the old content or the whole new content, never a part: the bytes go to a
/// temporary file in the same folder (a rename across file systems would not be atomic), are flushed to disk,
/// and the temporary file is then renamed over the target. If writing fails or throws, the temporary file is
/// deleted and the target is left as it was; the new file keeps the old one's permissions. Symbolic links on the path
/// are followed (the file they name is replaced, the links stay). A target that is no regular file (/dev/null, a pipe)
/// is written in place, since renaming over it would replace the device node, and /dev/stdout is the process's stdout.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)));

    /// <summary>Writes what <paramref name="write"/> puts in the stream; the target changes only if it returns.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string given = Path.GetFullPath(path);
        if (StandardStream(given) is { } standard)
        {
            // /dev/stdout may be a pipe or a file the shell appends to: reopening it would start at its beginning.
            using var stream = standard;
            write(stream);
            return;
        }

        string target = RealPaths.Of(given);
        var kind = InputFiles.Inspect(target).Kind;
        if (kind == InputFileKind.Directory) throw new IOException($"cannot write '{path}': it is a folder");
        if (kind == InputFileKind.Special)
        {
            using var device = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write(device);
            return;
        }

        string folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        string temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            // The new content takes the old file's permissions (a read-only file stays read-only).
            if (kind == InputFileKind.Regular && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(temporary, File.GetUnixFileMode(target));
            File.Move(temporary, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            // The failure names the target, not the temporary file the user never asked for.
            throw new IOException($"cannot write '{path}': {e.Message.Replace(temporary, target, StringComparison.Ordinal)}", e);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The process's own stdout or stderr when <paramref name="fullPath"/> names it.</summary>
    static Stream? StandardStream(string fullPath) => fullPath switch
    {
        "/dev/stdout" or "/dev/fd/1" or "/proc/self/fd/1" => Console.OpenStandardOutput(),
        "/dev/stderr" or "/dev/fd/2" or "/proc/self/fd/2" => Console.OpenStandardError(),
        _ => null,
    };

    static void TryDelete(string temporary)
    {
        try
        {
            File.Delete(temporary);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is the one to report; a leftover .tmp file is harmless.
        }
    }
}
