using CircuitDsl.Cli.Models;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Diff;

/// <summary>
/// One version of a .circuit file: the path the analyzer reads (through <see cref="Files"/>), and the name
/// diagnostics give the file (an old version from git reads <c>BASE:path</c>, so it is not mistaken for the
/// working tree's).
/// </summary>
public sealed record FileVersion(string Path, IFileProvider Files, string DiagnosticPrefix = "");

/// <summary>The two versions of one file; either is null when the file was added or removed.</summary>
public sealed record FilePair(FileVersion? Old, FileVersion? New);

/// <summary>What to diff: the file pairs, and the resolver that binds both versions against model configs.</summary>
public sealed record DiffInputs(IReadOnlyList<FilePair> Pairs, IModelResolver Models)
{
    /// <summary>
    /// Two files, or two folders whose .circuit files pair by their path inside the folder. Paths are shown as
    /// given; models resolve as in <c>check</c>.
    /// </summary>
    public static DiffInputs FromPaths(string oldPath, string newPath, ModelMapping models)
    {
        var disk = new PhysicalFileProvider();
        var resolver = new ConfigModelResolver(models);
        if (Directory.Exists(oldPath) && Directory.Exists(newPath))
        {
            var olds = CircuitFilesUnder(oldPath);
            var news = CircuitFilesUnder(newPath);
            var pairs = olds.Keys.Union(news.Keys).Order(StringComparer.Ordinal).Select(relative => new FilePair(
                olds.TryGetValue(relative, out var o) ? new FileVersion(o, disk) : null,
                news.TryGetValue(relative, out var n) ? new FileVersion(n, disk) : null));
            return new DiffInputs([.. pairs], resolver);
        }

        foreach (string path in new[] { oldPath, newPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(Directory.Exists(path)
                    ? $"'{path}' is a folder but the other side is not: give two files or two folders"
                    : $"'{path}' does not exist");
            }
        }

        return new DiffInputs([new FilePair(new FileVersion(oldPath, disk), new FileVersion(newPath, disk))], resolver);
    }

    /// <summary>
    /// The working tree against commit <paramref name="baseRevision"/>: every tracked .circuit file under
    /// <paramref name="paths"/> (default: the whole repository) in either version. Paths are shown relative to the
    /// repository root. Model folders resolve in the working tree for both versions: weights are not versioned
    /// with the claims.
    /// </summary>
    public static DiffInputs FromGit(string baseRevision, IReadOnlyList<string> paths, ModelMapping models)
    {
        if (baseRevision.StartsWith('-'))
        {
            throw new ArgumentException($"--git: '{baseRevision}' is not a revision");
        }

        string start = paths.Count == 0 ? Directory.GetCurrentDirectory() : FolderOf(paths[0]);
        var repository = new Git(new Git(start).Text("rev-parse", "--show-toplevel").Trim());
        string commit = Commit(repository, baseRevision);
        var specs = paths.Select(RepositoryPath).ToArray();

        var atCommit = repository.Entries("ls-tree", "-r", "-z", "--name-only", commit).ToHashSet(StringComparer.Ordinal);
        var olds = repository.Entries(["ls-tree", "-r", "-z", "--name-only", commit, "--", .. specs]).Where(IsCircuitFile).ToHashSet(StringComparer.Ordinal);
        var news = repository.Entries(["ls-files", "-z", "--", .. specs]).Where(IsCircuitFile)
            .Concat(paths.Where(File.Exists).Select(RepositoryPath)) // a file named explicitly counts even before 'git add'
            .Where(path => IsCircuitFile(path))
            .Where(path => File.Exists(Path.Combine(repository.WorkingDirectory, path)))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (path, spec) in paths.Zip(specs))
        {
            if (!File.Exists(path) && !Directory.Exists(path) && !atCommit.Any(file => file == spec || file.StartsWith(spec + "/", StringComparison.Ordinal)))
            {
                throw new FileNotFoundException($"'{path}' exists neither in the working tree nor at {baseRevision}");
            }
        }

        var working = new RootedFileProvider(repository.WorkingDirectory);
        var old = new GitRevisionFileProvider(repository, commit, atCommit);
        var pairs = olds.Union(news).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(path => new FilePair(
            olds.Contains(path) ? new FileVersion(path, old, baseRevision + ":") : null,
            news.Contains(path) ? new FileVersion(path, working) : null));
        return new DiffInputs([.. pairs], new RootedModelResolver(new ConfigModelResolver(models), repository.WorkingDirectory));

        // Each path as git names it from the root: ask git in the path's folder, so symlinked temp folders agree.
        string RepositoryPath(string path)
        {
            string prefix = new Git(FolderOf(path)).Text("rev-parse", "--show-prefix").Trim();
            string name = Directory.Exists(path) ? string.Empty : Path.GetFileName(path);
            return (prefix + name).TrimEnd('/') is { Length: > 0 } spec ? spec : ".";
        }
    }

    static string Commit(Git repository, string revision)
    {
        try
        {
            return repository.Text("rev-parse", "--verify", "--quiet", revision + "^{commit}").Trim();
        }
        catch (GitException)
        {
            throw new GitException($"--git: '{revision}' is not a commit of the repository at {repository.WorkingDirectory}");
        }
    }

    static string FolderOf(string path)
    {
        string full = Path.GetFullPath(path);
        return Directory.Exists(full) ? full : Path.GetDirectoryName(full)!;
    }

    static bool IsCircuitFile(string path) => path.EndsWith(".circuit", StringComparison.Ordinal);

    static Dictionary<string, string> CircuitFilesUnder(string folder) =>
        Directory.EnumerateFiles(folder, "*.circuit", SearchOption.AllDirectories)
            .ToDictionary(file => Path.GetRelativePath(folder, file).Replace('\\', '/'), file => file, StringComparer.Ordinal);
}
