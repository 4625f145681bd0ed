using System.Globalization;
using System.Text;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Reports;

/// <summary>The kinds of GitHub annotation, most severe first (the order they are written in).</summary>
public enum AnnotationLevel
{
    Error,
    Warning,
    Notice,
}

/// <summary>One GitHub annotation: a message, optionally pinned to a file, lines and columns (1-based, inclusive).</summary>
public sealed record Annotation(
    AnnotationLevel Level,
    string Message,
    string? File = null,
    int? Line = null,
    int? Column = null,
    int? EndLine = null,
    int? EndColumn = null,
    string? Title = null);

/// <summary>
/// GitHub Actions workflow commands (<c>::error file=…,line=…::message</c>) that show as annotations on a run
/// and on the pull request's changed lines. GitHub keeps at most 10 errors, 10 warnings and 10 notices per
/// step, so <see cref="Write"/> writes the most severe first, at most <see cref="MaxPerLevel"/> of each, and
/// then one plain line saying how many it left out.
/// </summary>
public static class WorkflowCommands
{
    public const int MaxPerLevel = 10;

    public static Annotation FromDiagnostic(Diagnostic diagnostic, DiagnosticLocator locator)
    {
        var where = locator.Locate(diagnostic);
        var level = diagnostic.IsError ? AnnotationLevel.Error : AnnotationLevel.Warning;
        string title = $"{diagnostic.Code}: {diagnostic.Descriptor.Title}";
        if (!where.HasRegion)
        {
            return new Annotation(level, diagnostic.Message, where.Path, Title: title);
        }

        // Reports keep SARIF's exclusive end; GitHub's end column is the last character itself.
        int endColumn = where.EndLine == where.StartLine ? Math.Max(where.StartColumn, where.EndColumn - 1) : where.EndColumn;
        return new Annotation(level, diagnostic.Message, where.Path, where.StartLine, where.StartColumn, where.EndLine, endColumn, title);
    }

    /// <summary>Writes the annotations, most severe first, within GitHub's limits. Returns how many were left out.</summary>
    public static int Write(TextWriter output, IEnumerable<Annotation> annotations)
    {
        var byLevel = annotations.GroupBy(a => a.Level).OrderBy(g => g.Key).ToList();
        var omitted = new List<string>();
        foreach (var level in byLevel)
        {
            foreach (var annotation in level.Take(MaxPerLevel))
            {
                output.WriteLine(Format(annotation));
            }

            int left = level.Count() - MaxPerLevel;
            if (left > 0)
            {
                omitted.Add(Count(left, level.Key));
            }
        }

        if (omitted.Count > 0)
        {
            output.WriteLine($"{string.Join(", ", omitted)} not shown as annotations: GitHub shows at most {MaxPerLevel} of each kind per step.");
        }

        return byLevel.Sum(level => Math.Max(0, level.Count() - MaxPerLevel));
    }

    public static string Format(Annotation annotation)
    {
        var properties = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                properties.Add($"{name}={EscapeProperty(Convert.ToString(value, CultureInfo.InvariantCulture)!)}");
            }
        }

        Add("file", annotation.File);
        Add("line", annotation.Line);
        Add("col", annotation.Column);
        Add("endLine", annotation.EndLine);
        Add("endColumn", annotation.EndColumn);
        Add("title", annotation.Title);
        string command = annotation.Level.ToString().ToLowerInvariant();
        return properties.Count == 0
            ? $"::{command}::{EscapeData(annotation.Message)}"
            : $"::{command} {string.Join(',', properties)}::{EscapeData(annotation.Message)}";
    }

    /// <summary>The message part: '%' first (so escapes are not escaped again), then CR and LF.</summary>
    public static string EscapeData(string value) =>
        new StringBuilder(value).Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A").ToString();

    /// <summary>A property value: as the message, and ':' and ',' too, which would end the value.</summary>
    public static string EscapeProperty(string value) =>
        new StringBuilder(EscapeData(value)).Replace(":", "%3A").Replace(",", "%2C").ToString();

    static string Count(int count, AnnotationLevel level) =>
        $"{count} more {level.ToString().ToLowerInvariant()}{(count == 1 ? string.Empty : "s")}";
}
