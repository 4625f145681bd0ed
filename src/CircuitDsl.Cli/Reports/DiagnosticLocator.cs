using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Cli.Reports;

/// <summary>
/// A diagnostic's place as reports need it: the file relative to the repository (forward slashes), and a region
/// with an end. <see cref="EndColumn"/> is exclusive (SARIF's convention); a zero <see cref="StartLine"/> means
/// the diagnostic is about the whole file. <see cref="IsRelative"/> is false for a file outside the base folder,
/// which keeps its absolute path.
/// </summary>
public sealed record ReportLocation(string Path, bool IsRelative, int StartLine, int StartColumn, int EndLine, int EndColumn)
{
    public bool HasRegion => StartLine >= 1;
}

/// <summary>
/// Turns diagnostic spans into <see cref="ReportLocation"/>s: paths relative to <paramref name="baseDirectory"/>
/// (the repository root, so CI tools can find the file), and ends computed from the source text when it is known.
/// </summary>
public sealed class DiagnosticLocator(string baseDirectory, Func<string, SourceText?> sources)
{
    public string BaseDirectory { get; } = Path.GetFullPath(baseDirectory);

    public ReportLocation Locate(Diagnostic diagnostic) => Locate(diagnostic.Span);

    public ReportLocation Locate(SourceSpan span)
    {
        var (path, relative) = RelativePath(span.File);
        if (span.Line < 1)
        {
            return new ReportLocation(path, relative, 0, 0, 0, 0);
        }

        var (endLine, endColumn) = sources(span.File) is { } source
            ? source.GetLineColumn(span.End)
            : (span.Line, span.Column + span.Length); // without the text, assume the span stays on its line
        return new ReportLocation(path, relative, span.Line, span.Column, endLine, endColumn);
    }

    (string Path, bool IsRelative) RelativePath(string file)
    {
        string full = Path.GetFullPath(file, BaseDirectory);
        string relative = Path.GetRelativePath(BaseDirectory, full);
        bool outside = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative);
        return outside ? (full.Replace('\\', '/'), false) : (relative.Replace('\\', '/'), true);
    }
}
