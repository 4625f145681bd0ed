using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Discover;

/// <summary>
/// The settings discovery reads from a .circuit file: those of one hypothesis (by name, else the first), which are the
/// file's own unless the hypothesis overrides them. A file of settings alone is read as if it held one empty hypothesis.
/// The file goes through the whole front end and the compiler, so the data, the metric, the seed and the choice of
/// x_new are exactly what `circuit check` would use.
/// </summary>
public sealed record SettingsFile(string Path, AnalysisResult Analysis, BoundHypothesis Hypothesis, RunnableHypothesis Runnable, bool SettingsOnly)
{
    /// <summary>The name the settings-only reading gives its hypothesis.</summary>
    public const string SettingsHypothesis = "discover";

    public static SettingsFile Read(string path, string? hypothesis, ModelMapping? models, IPlanCompiler compiler)
    {
        var files = new PhysicalFileProvider();
        var resolver = new ConfigModelResolver(models);
        var analysis = CircuitAnalyzer.AnalyzeFile(path, files, resolver, ZooTasks.Catalog);
        bool settingsOnly = false;
        if (!analysis.HasErrors && analysis.File!.Hypotheses.IsEmpty && analysis.Sources.SourceOf(path) is { } source)
        {
            settingsOnly = true;
            int lines = source.Text.Count(c => c == '\n') + 1;
            analysis = CircuitAnalyzer.AnalyzeText(source.Text + $"\n\nhypothesis {SettingsHypothesis} {{\n}}\n", path, files, resolver, ZooTasks.Catalog);
            // What the empty hypothesis lacks (a model, data, a metric), the file lacks: say so at its first line.
            if (analysis.HasErrors)
                throw new DiscoverInputException([.. analysis.Diagnostics.Select(d => d.Span.Line > lines ? d with { Span = new SourceSpan(d.Span.File, 0, 0, 1, 1) } : d)], analysis.Sources.SourceOf);
        }
        if (analysis.HasErrors) throw new DiscoverInputException(analysis.Diagnostics, analysis.Sources.SourceOf);

        var all = analysis.File!.Hypotheses;
        var chosen = hypothesis is null ? all[0] : all.FirstOrDefault(h => h.Name == hypothesis)
            ?? throw new UsageException($"--hypothesis {hypothesis}: {path} has no such hypothesis (it has {string.Join(", ", all.Select(h => h.Name))})");
        // Refused before the compiler runs: nothing it would build could be discovered with.
        if (chosen.Metric.Kind == MetricKind.Accuracy)
            throw new DiscoverInputException([RunDiagnostics.DiscoveryCouldNotRun.Create(chosen.Metric.Span, chosen.Name,
                "accuracy has no gradient and moves only in whole examples; use logit_diff, loss or kl")], analysis.Sources.SourceOf);
        var compilation = compiler.Compile(analysis);
        if (compilation.Diagnostics.HasErrors()) throw new DiscoverInputException(compilation.Diagnostics, analysis.Sources.SourceOf);
        var runnable = compilation.Hypotheses.First(h => h.Bound.Name == chosen.Name);
        return new SettingsFile(path, analysis, chosen, runnable, settingsOnly);
    }

    /// <summary>The text of a span of the file (a setting as written).</summary>
    public string TextOf(SourceSpan span) => Analysis.Sources.SourceOf(span.File)!.Text.Substring(span.Offset, span.Length);

    /// <summary>A refusal at <paramref name="span"/>.</summary>
    public DiscoverInputException Refuse(SourceSpan span, string why) =>
        new([RunDiagnostics.DiscoveryCouldNotRun.Create(span, Hypothesis.Name, why)], Analysis.Sources.SourceOf);
}
