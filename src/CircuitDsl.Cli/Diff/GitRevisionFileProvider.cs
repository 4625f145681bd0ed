using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Diff;

/// <summary>
/// Reads files as they were at one commit (<c>git show COMMIT:path</c>), so an old version's imports come from
/// the same commit. Paths are relative to the repository root.
/// </summary>
public sealed class GitRevisionFileProvider(Git repository, string commit, IReadOnlySet<string> filesAtCommit) : IFileProvider
{
    public bool TryReadAllBytes(string path, out byte[] bytes, out string error)
    {
        if (!filesAtCommit.Contains(path))
        {
            (bytes, error) = ([], $"no such file at {commit}");
            return false;
        }

        try
        {
            bytes = repository.Bytes(ResourceLimits.MaxSourceFileBytes, "show", $"{commit}:{path}");
            // A blob is a regular file; only its size can make it unusable as a source.
            error = bytes.Length > ResourceLimits.MaxSourceFileBytes
                ? $"it holds more than {ResourceLimits.MaxSourceFileBytes:N0} bytes at {commit}, over the limit of {ResourceLimits.MaxSourceFileBytes:N0} ({InputFiles.Size(ResourceLimits.MaxSourceFileBytes)}; {nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxSourceFileBytes)})"
                : string.Empty;
            return error.Length == 0;
        }
        catch (GitException e)
        {
            (bytes, error) = ([], e.Message);
            return false;
        }
    }
}

/// <summary>Reads files of the working tree under a root folder, by paths relative to it.</summary>
public sealed class RootedFileProvider(string root) : IFileProvider
{
    readonly PhysicalFileProvider disk = new();

    public bool TryReadAllBytes(string path, out byte[] bytes, out string error) =>
        disk.TryReadAllBytes(Path.Combine(root, path), out bytes, out error);

    public InputFileInfo Inspect(string path) => disk.Inspect(Path.Combine(root, path));
}
