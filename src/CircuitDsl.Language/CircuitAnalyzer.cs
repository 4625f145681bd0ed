using System.Collections.Immutable;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Language;

/// <summary>Everything the front end learnt about one file: the sources read, the bound file (when error-free) and all diagnostics.</summary>
public sealed record AnalysisResult(LoadedSources Sources, BoundCircuitFile? File, ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>True when any diagnostic is an error (then <see cref="File"/> is null).</summary>
    public bool HasErrors => Diagnostics.HasErrors();

    /// <summary>The diagnostics for people: <c>file:line:col: error CODE: message</c>, the line and a caret.</summary>
    public string RenderText()
    {
        using var writer = new StringWriter();
        DiagnosticRenderer.WriteText(writer, Diagnostics, Sources.SourceOf);
        return writer.ToString();
    }

    /// <summary>The diagnostics as a JSON array.</summary>
    public string RenderJson() => DiagnosticRenderer.ToJson(Diagnostics);
}

/// <summary>
/// The front end in one call: read the file and its imports, parse, and (when there are no syntax or load
/// errors) bind against the models' shapes and the tasks' definitions. Never throws for any file content.
/// </summary>
public static class CircuitAnalyzer
{
    /// <summary>Analyzes the file at <paramref name="path"/>.</summary>
    public static AnalysisResult AnalyzeFile(string path, IFileProvider files, IModelResolver models, ITaskCatalog tasks) =>
        Analyze(SourceLoader.Load(path, files), files, models, tasks);

    /// <summary>Analyzes text held in memory as if it were the file at <paramref name="path"/> (imports are read through <paramref name="files"/>).</summary>
    public static AnalysisResult AnalyzeText(string text, string path, IFileProvider files, IModelResolver models, ITaskCatalog tasks) =>
        Analyze(SourceLoader.LoadText(text, path, files), files, models, tasks);

    private static AnalysisResult Analyze(LoadedSources sources, IFileProvider files, IModelResolver models, ITaskCatalog tasks)
    {
        if (sources.Diagnostics.HasErrors())
        {
            return new AnalysisResult(sources, null, [.. sources.Diagnostics.InSourceOrder()]);
        }

        var bound = Binding.Binder.Bind(sources, models, tasks, files);
        return new AnalysisResult(sources, bound.File, [.. sources.Diagnostics.Concat(bound.Diagnostics).InSourceOrder()]);
    }
}
