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
            (bytes, error) = (repository.Bytes("show", $"{commit}:{path}"), string.Empty);
            return true;
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
}
