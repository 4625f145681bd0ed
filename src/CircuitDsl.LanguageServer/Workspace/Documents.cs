using System.Collections.Immutable;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.LanguageServer.Workspace;

/// <summary>
/// Document URIs and the front end's paths. A <c>file:</c> URI is its local path (normalised as the front end
/// normalises paths, so imports of an open file find it); any other URI (an unsaved <c>untitled:</c> buffer) gets a
/// path of its own under the current folder, so relative imports and models still resolve somewhere sensible.
/// </summary>
public static class DocumentUris
{
    /// <summary>The front end's path for a URI.</summary>
    public static string ToPath(string uri)
    {
        if (Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.IsFile)
        {
            return SourceLoader.NormalizePath(parsed.LocalPath);
        }

        string name = new([.. uri.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_')]);
        return SourceLoader.NormalizePath(Path.Combine(Directory.GetCurrentDirectory(), name));
    }

    /// <summary>The <c>file:</c> URI of a path.</summary>
    public static string FromPath(string path)
    {
        try
        {
            return new Uri(Path.GetFullPath(path)).AbsoluteUri;
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or PathTooLongException or NotSupportedException)
        {
            return "file:///" + Uri.EscapeDataString(path);
        }
    }
}

/// <summary>One open document: its text as the editor has it, and what the front end and the compiler made of it.</summary>
public sealed class Document(string uri, string path, string text, int version)
{
    /// <summary>The URI the editor names it by.</summary>
    public string Uri { get; } = uri;

    /// <summary>The front end's path for it.</summary>
    public string Path { get; } = path;

    /// <summary>The text, as of <see cref="Version"/>.</summary>
    public string Text { get; private set; } = text;

    /// <summary>The editor's version number of the text.</summary>
    public int Version { get; private set; } = version;

    /// <summary>The text with its line table.</summary>
    public SourceText Source { get; private set; } = SourceText.From(text, path);

    /// <summary>The last analysis (null until the first).</summary>
    public AnalysisResult? Analysis { get; set; }

    /// <summary>The text the last analysis saw (an import that changed makes it stale without changing this).</summary>
    public bool Stale { get; set; } = true;

    /// <summary>True when the last analysis's diagnostics have not been published yet (a request may analyse first).</summary>
    public bool Unpublished { get; set; }

    /// <summary>The compiler's diagnostics for the current analysis (empty until the pause after a change has passed).</summary>
    public ImmutableArray<Diagnostic> CompileDiagnostics { get; set; } = [];

    /// <summary>Counts analyses, so that a late compile result for an older one is dropped.</summary>
    public int AnalysisGeneration { get; set; }

    /// <summary>Replaces the text.</summary>
    public void Update(string text, int version)
    {
        Text = text;
        Version = version;
        Source = SourceText.From(text, Path);
        Stale = true;
        CompileDiagnostics = [];
    }
}

/// <summary>
/// The files the front end reads: an open document's text as the editor has it (so an import sees unsaved edits),
/// anything else from disk.
/// </summary>
public sealed class OverlayFileProvider(IFileProvider disk, Func<string, Document?> open) : IFileProvider
{
    /// <inheritdoc />
    public bool TryReadAllBytes(string path, out byte[] bytes, out string error)
    {
        if (open(SourceLoader.NormalizePath(path)) is { } document)
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(document.Text);
            error = string.Empty;
            return true;
        }

        return disk.TryReadAllBytes(path, out bytes, out error);
    }

    /// <inheritdoc />
    public InputFileInfo Inspect(string path) =>
        open(SourceLoader.NormalizePath(path)) is { } document
            ? new InputFileInfo(InputFileKind.Regular, System.Text.Encoding.UTF8.GetByteCount(document.Text))
            : disk.Inspect(path);
}
