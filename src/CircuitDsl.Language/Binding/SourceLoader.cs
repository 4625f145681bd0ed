using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>Where the front end reads files from: the disk, or memory in tests and editors.</summary>
public interface IFileProvider
{
    /// <summary>Reads a source file's bytes (at most <see cref="ResourceLimits.MaxSourceFileBytes"/>); on failure returns false with a short reason.</summary>
    bool TryReadAllBytes(string path, out byte[] bytes, out string error);

    /// <summary>
    /// What the path names and how large it is, without opening it. A provider that cannot tell (a git revision)
    /// reports an empty regular file, i.e. no objection: its reads are still bounded.
    /// </summary>
    InputFileInfo Inspect(string path) => new(InputFileKind.Regular, 0);
}

/// <summary>Reads files from disk: only regular files, never more than the source limit plus one byte.</summary>
public sealed class PhysicalFileProvider : IFileProvider
{
    /// <inheritdoc />
    public bool TryReadAllBytes(string path, out byte[] bytes, out string error) =>
        InputFiles.TryReadBounded(path, ResourceLimits.MaxSourceFileBytes, nameof(ResourceLimits.MaxSourceFileBytes), out bytes, out error);

    /// <inheritdoc />
    public InputFileInfo Inspect(string path) => InputFiles.Inspect(path);
}

/// <summary>Files held in memory, by path (compared after normalisation).</summary>
public sealed class InMemoryFileProvider : IFileProvider
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces a file's text (stored as UTF-8).</summary>
    public InMemoryFileProvider Add(string path, string text) => Add(path, System.Text.Encoding.UTF8.GetBytes(text));

    /// <summary>Adds or replaces a file's bytes.</summary>
    public InMemoryFileProvider Add(string path, byte[] bytes)
    {
        _files[SourceLoader.NormalizePath(path)] = bytes;
        return this;
    }

    /// <inheritdoc />
    public bool TryReadAllBytes(string path, out byte[] bytes, out string error)
    {
        error = _files.TryGetValue(SourceLoader.NormalizePath(path), out bytes!) ? string.Empty : "no such file";
        bytes ??= [];
        return error.Length == 0;
    }

    /// <inheritdoc />
    public InputFileInfo Inspect(string path) =>
        _files.TryGetValue(SourceLoader.NormalizePath(path), out byte[]? bytes)
            ? new InputFileInfo(InputFileKind.Regular, bytes.Length)
            : new InputFileInfo(InputFileKind.Missing, 0);
}

/// <summary>A root file and every file it imports, parsed, with the load diagnostics (I/O, decoding, syntax, cycles).</summary>
public sealed record LoadedSources(
    SyntaxTree Root,
    ImmutableArray<SyntaxTree> Imported,
    ImmutableDictionary<string, SyntaxTree> TreesByPath,
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The source text of a file by its display path, for rendering diagnostics.</summary>
    public SourceText? SourceOf(string path) => TreesByPath.TryGetValue(SourceLoader.NormalizePath(path), out var tree) ? tree.Source : null;
}

/// <summary>
/// Loads a root file and, depth first, the files its <c>import</c> statements name (relative to the importing
/// file). A file imported twice is loaded once; an import that leads back to a file still being loaded is a
/// cycle (CD2029). Paths are shown as written and combined (no absolute paths in messages).
/// </summary>
public static class SourceLoader
{
    /// <summary>Loads <paramref name="rootPath"/> and its imports.</summary>
    public static LoadedSources Load(string rootPath, IFileProvider files)
    {
        var diagnostics = new List<Diagnostic>();
        var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        var order = new List<SyntaxTree>();
        var root = Read(NormalizePath(rootPath), files, diagnostics, importSpan: null)
            ?? CircuitParser.Parse(string.Empty, NormalizePath(rootPath));
        LoadImports(root, files, trees, order, diagnostics);
        return new LoadedSources(root, [.. order.Where(t => t != root)], trees.ToImmutableDictionary(StringComparer.Ordinal), [.. diagnostics]);
    }

    /// <summary>Loads text given in memory as the root (imports are read through <paramref name="files"/>).</summary>
    public static LoadedSources LoadText(string text, string rootPath, IFileProvider files)
    {
        var diagnostics = new List<Diagnostic>();
        var trees = new Dictionary<string, SyntaxTree>(StringComparer.Ordinal);
        var order = new List<SyntaxTree>();
        var root = CircuitParser.Parse(text, NormalizePath(rootPath));
        diagnostics.AddRange(root.Diagnostics);
        LoadImports(root, files, trees, order, diagnostics);
        return new LoadedSources(root, [.. order.Where(t => t != root)], trees.ToImmutableDictionary(StringComparer.Ordinal), [.. diagnostics]);
    }

    /// <summary>Forward slashes, no "." segments, "x/.." collapsed: the display and identity form of a path.</summary>
    public static string NormalizePath(string path)
    {
        string unified = path.Replace('\\', '/');
        bool rooted = unified.StartsWith('/');
        var parts = new List<string>();
        foreach (string part in unified.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else
            {
                parts.Add(part);
            }
        }

        string normalized = (rooted ? "/" : string.Empty) + string.Join('/', parts);
        return normalized.Length == 0 ? "." : normalized; // the folder itself, shown as such
    }

    /// <summary>The path of an import, relative to the importing file's folder.</summary>
    public static string ResolveImport(string importingFile, string importPath)
    {
        if (Path.IsPathRooted(importPath))
        {
            return NormalizePath(importPath);
        }

        int slash = importingFile.LastIndexOf('/');
        return NormalizePath(slash < 0 ? importPath : importingFile[..(slash + 1)] + importPath);
    }

    // Iterative depth-first walk (an explicit stack), so a long import chain cannot overflow the call stack.
    private static void LoadImports(SyntaxTree root, IFileProvider files, Dictionary<string, SyntaxTree> trees, List<SyntaxTree> order, List<Diagnostic> diagnostics)
    {
        trees[root.FilePath] = root;
        order.Add(root);
        var stack = new List<(SyntaxTree Tree, IEnumerator<ImportSyntax> Imports)> { (root, Imports(root).GetEnumerator()) };
        while (stack.Count > 0)
        {
            var (tree, imports) = stack[^1];
            if (!imports.MoveNext())
            {
                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            var import = imports.Current;
            string path = ResolveImport(tree.FilePath, import.Path.Value);
            int onStack = stack.FindIndex(frame => frame.Tree.FilePath == path);
            if (onStack >= 0)
            {
                string chain = string.Join(" -> ", stack.Skip(onStack).Select(frame => frame.Tree.FilePath).Append(path));
                diagnostics.Add(DiagnosticCatalog.ImportCycle.Create(import.Span, chain));
                continue;
            }

            if (trees.ContainsKey(path))
            {
                continue; // already loaded through another import
            }

            var imported = Read(path, files, diagnostics, import.Path.Span);
            if (imported is null)
            {
                continue;
            }

            trees[path] = imported;
            order.Add(imported);
            stack.Add((imported, Imports(imported).GetEnumerator()));
        }
    }

    /// <summary>
    /// Reads a source file (checked, imported or formatted) when it is a regular file within
    /// <see cref="ResourceLimits.MaxSourceFileBytes"/>; otherwise returns false with the diagnostic at
    /// <paramref name="span"/> (the import, or the file itself).
    /// </summary>
    public static bool TryReadSource(IFileProvider files, string path, SourceSpan span, out byte[] bytes, [NotNullWhen(false)] out Diagnostic? problem)
    {
        bytes = [];
        problem = FileProblem(files, path, ResourceLimits.MaxSourceFileBytes, nameof(ResourceLimits.MaxSourceFileBytes), span);
        if (problem is null && !files.TryReadAllBytes(path, out bytes, out string error))
        {
            problem = DiagnosticCatalog.FileNotFound.Create(span, path, error);
        }

        return problem is null;
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be read as an input of at most <paramref name="maxBytes"/> bytes, as a
    /// diagnostic at <paramref name="span"/> (CD5002 when it is missing or unreadable, CD5006 when it is a directory,
    /// a device, a FIFO or too large), or null when it can. Nothing is opened.
    /// </summary>
    internal static Diagnostic? FileProblem(IFileProvider files, string path, long maxBytes, string limitName, SourceSpan span)
    {
        var info = files.Inspect(path);
        if (InputFiles.Refusal(info, maxBytes, limitName) is not { } refusal)
        {
            return null;
        }

        return info.Kind is InputFileKind.Missing or InputFileKind.Unreadable
            ? DiagnosticCatalog.FileNotFound.Create(span, path, refusal)
            : DiagnosticCatalog.FileNotUsable.Create(span, path, refusal);
    }

    private static IEnumerable<ImportSyntax> Imports(SyntaxTree tree) => tree.Root.Statements.OfType<ImportSyntax>();

    private static SyntaxTree? Read(string path, IFileProvider files, List<Diagnostic> diagnostics, SourceSpan? importSpan)
    {
        if (!TryReadSource(files, path, importSpan ?? new SourceSpan(path, 0, 0, 1, 1), out byte[] bytes, out var problem))
        {
            diagnostics.Add(problem);
            return null;
        }

        var source = SourceFile.Decode(bytes, path, out _, out var decodeError);
        if (decodeError is not null)
        {
            diagnostics.Add(decodeError);
        }

        var tree = CircuitParser.Parse(source);
        diagnostics.AddRange(tree.Diagnostics);
        return tree;
    }
}
