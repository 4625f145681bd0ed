using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>Where the front end reads files from: the disk, or memory in tests and editors.</summary>
public interface IFileProvider
{
    /// <summary>Reads a file's bytes; on failure returns false with a short reason.</summary>
    bool TryReadAllBytes(string path, out byte[] bytes, out string error);
}

/// <summary>Reads files from disk.</summary>
public sealed class PhysicalFileProvider : IFileProvider
{
    /// <inheritdoc />
    public bool TryReadAllBytes(string path, out byte[] bytes, out string error)
    {
        try
        {
            bytes = File.ReadAllBytes(path);
            error = string.Empty;
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            bytes = [];
            error = exception is FileNotFoundException or DirectoryNotFoundException ? "no such file" : exception.Message;
            return false;
        }
    }
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

        return (rooted ? "/" : string.Empty) + string.Join('/', parts);
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

    private static IEnumerable<ImportSyntax> Imports(SyntaxTree tree) => tree.Root.Statements.OfType<ImportSyntax>();

    private static SyntaxTree? Read(string path, IFileProvider files, List<Diagnostic> diagnostics, SourceSpan? importSpan)
    {
        if (!files.TryReadAllBytes(path, out byte[] bytes, out string error))
        {
            diagnostics.Add(DiagnosticCatalog.FileNotFound.Create(importSpan ?? new SourceSpan(path, 0, 0, 1, 1), path, error));
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
