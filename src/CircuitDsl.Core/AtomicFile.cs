using System.Text;

namespace CircuitDsl;

/// <summary>
/// Writes a file so that readers see the old content or the whole new content, never a part: the bytes go to a
/// temporary file in the same folder (a rename across file systems would not be atomic), are flushed to disk,
/// and the temporary file is then renamed over the target. If writing fails or throws, the temporary file is
/// deleted and the target is left as it was. A symbolic link is followed (the file it names is replaced, the link
/// stays), and a target that exists but is no regular file (/dev/null, /dev/stdout, a pipe) is written in place:
/// renaming over it would replace the device node itself.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream => stream.Write(new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text)));

    /// <summary>Writes what <paramref name="write"/> puts in the stream; the target changes only if it returns.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        string target = FinalTarget(Path.GetFullPath(path));
        if (Directory.Exists(target)) throw new IOException($"cannot write '{path}': it is a folder");
        if (InputFiles.Inspect(target).Kind == InputFileKind.Special)
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

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>The file a path finally names, through any chain of symbolic links (itself when it is none).</summary>
    public static string FinalTarget(string fullPath) =>
        File.Exists(fullPath) && new FileInfo(fullPath).ResolveLinkTarget(returnFinalTarget: true) is { } resolved ? resolved.FullName : fullPath;

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
