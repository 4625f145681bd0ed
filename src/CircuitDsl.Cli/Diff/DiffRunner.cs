using CircuitDsl.Language;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Diff;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Cli.Diff;

/// <summary>An error in one version of a file, named as people see it (<c>BASE:path</c> for an old version from git), with its source for the caret line.</summary>
public sealed record VersionDiagnostic(Diagnostic Diagnostic, SourceText? Source)
{
    public string ToText() => DiagnosticRenderer.ToText(Diagnostic, Source);
}

/// <summary>The diffs of the files whose versions both bound, and the errors of those that did not.</summary>
public sealed record DiffOutcome(IReadOnlyList<FileDiff> Files, IReadOnlyList<VersionDiagnostic> Errors);

/// <summary>Analyzes both versions of each pair and diffs the bound hypotheses. A pair with an error in either version is left out of the diff.</summary>
public static class DiffRunner
{
    public static DiffOutcome Run(DiffInputs inputs)
    {
        var files = new List<FileDiff>();
        var errors = new List<VersionDiagnostic>();
        foreach (var pair in inputs.Pairs)
        {
            var old = Analyze(pair.Old, inputs, errors);
            var @new = Analyze(pair.New, inputs, errors);
            if ((pair.Old is null || old is not null) && (pair.New is null || @new is not null))
            {
                files.Add(HypothesisDiffer.DiffFiles(pair.Old?.Path, old?.File, pair.New?.Path, @new?.File));
            }
        }

        return new DiffOutcome(files, errors);
    }

    /// <summary>The analysis of one version, or null (its errors added) when it does not bind.</summary>
    static AnalysisResult? Analyze(FileVersion? version, DiffInputs inputs, List<VersionDiagnostic> errors)
    {
        if (version is null)
        {
            return null;
        }

        var result = CircuitAnalyzer.AnalyzeFile(version.Path, version.Files, inputs.Models, CircuitDsl.Zoo.Tasks.ZooTasks.Catalog);
        if (!result.HasErrors)
        {
            return result;
        }

        errors.AddRange(result.Diagnostics.Where(d => d.IsError).Select(d => new VersionDiagnostic(
            d with { Span = d.Span with { File = version.DiagnosticPrefix + d.Span.File } },
            result.Sources.SourceOf(d.Span.File))));
        return null;
    }
}
