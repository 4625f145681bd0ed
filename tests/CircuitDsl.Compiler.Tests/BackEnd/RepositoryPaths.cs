using CircuitDsl.Compiler.Tests.Lowering;

namespace CircuitDsl.Compiler.Tests.BackEnd;

/// <summary>
/// Makes generated text independent of where the repository is cloned: the compiler writes the full path of the
/// .circuit file in comments and in #line directives (escaped there), and baselines hold it relative to the root.
/// </summary>
internal static class RepositoryPaths
{
    public static string Relative(string text, string repositoryRelativeFile)
    {
        string root = Path.TrimEndingDirectorySeparator(Circuits.RepoRoot) + Path.DirectorySeparatorChar;
        text = text.Replace(Escaped(root), "").Replace(root, "");
        if (Path.DirectorySeparatorChar == '/') return text;
        // On Windows the rest of the path has backslashes too; only the file's own path is rewritten, never user C#.
        string native = repositoryRelativeFile.Replace('/', '\\');
        return text.Replace(Escaped(native), repositoryRelativeFile).Replace(native, repositoryRelativeFile);
    }

    /// <summary>A path as a C# string literal holds it (LineDirectives escapes backslashes and quotes).</summary>
    static string Escaped(string path) => path.Replace("\\", "\\\\").Replace("\"", "\\\"");
}
