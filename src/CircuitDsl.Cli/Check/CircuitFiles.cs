using System.Text.RegularExpressions;

namespace CircuitDsl.Cli.Check;

/// <summary>Expands the paths given to `circuit check`: files, folders (searched for *.circuit) and globs (* and **).</summary>
public static class CircuitFiles
{
    public const string Extension = ".circuit";

    /// <returns>Distinct full paths in ordinal order, and the arguments that matched nothing.</returns>
    public static (IReadOnlyList<string> Files, IReadOnlyList<string> Unmatched) Expand(IEnumerable<string> arguments, string workingDirectory)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var unmatched = new List<string>();
        foreach (string argument in arguments)
        {
            var found = Match(argument, workingDirectory).ToList();
            if (found.Count == 0) unmatched.Add(argument);
            files.UnionWith(found);
        }
        return (files.ToArray(), unmatched);
    }

    static IEnumerable<string> Match(string argument, string workingDirectory)
    {
        string full = Path.GetFullPath(argument, workingDirectory);
        if (File.Exists(full)) return [full];
        if (Directory.Exists(full)) return Directory.EnumerateFiles(full, "*" + Extension, SearchOption.AllDirectories);
        if (argument.IndexOfAny(['*', '?']) < 0) return [];

        // A glob: walk from the longest prefix without wildcards, match the rest as a regular expression.
        string normalized = argument.Replace('\\', '/');
        int firstWild = normalized.IndexOfAny(['*', '?']);
        int rootEnd = normalized.LastIndexOf('/', firstWild);
        string root = Path.GetFullPath(rootEnd < 0 ? "." : normalized[..(rootEnd + 1)], workingDirectory);
        if (!Directory.Exists(root)) return [];
        var pattern = GlobToRegex(rootEnd < 0 ? normalized : normalized[(rootEnd + 1)..]);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => pattern.IsMatch(Path.GetRelativePath(root, f).Replace('\\', '/')));
    }

    static Regex GlobToRegex(string glob)
    {
        string regex = Regex.Escape(glob).Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]");
        return new Regex("^" + regex + "$", RegexOptions.CultureInvariant);
    }
}
