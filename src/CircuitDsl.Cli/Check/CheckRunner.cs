using CircuitDsl.Cli.Models;
using CircuitDsl.Cli.Reports;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// The `circuit check` pipeline for a list of files: bind, compile, load each model once, run every selected
/// hypothesis, and collect one report. A file with errors is reported with its diagnostics and not run; the other
/// files still run. A hypothesis on a known model whose weights are not shipped (zoo:gpt2-small without --model)
/// is bound and compiled, then skipped: it neither passes nor fails.
/// </summary>
public sealed class CheckRunner(CheckOptions options, IPlanCompiler compiler, string reportRoot, Action<string>? progress = null) : IDisposable
{
    readonly Dictionary<string, (LoadedModel Model, string Sha256)> models = new(StringComparer.Ordinal);

    public CheckReport Run(IReadOnlyList<string> files, ToolVersions tool)
    {
        try
        {
            return new CheckReport(tool, files.Select(CheckFile).ToArray());
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        foreach (var (model, _) in models.Values) model.Dispose();
        models.Clear();
    }

    FileReport CheckFile(string path)
    {
        string relative = Path.GetRelativePath(reportRoot, path);
        // Reports name files relative to where check ran (the repository root in CI); a file outside it keeps its full path.
        string display = (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative).Replace('\\', '/');
        progress?.Invoke($"binding {display}");
        var analysis = CircuitAnalyzer.AnalyzeFile(path, new PhysicalFileProvider(), new ConfigModelResolver(options.Model));
        var locator = new DiagnosticLocator(reportRoot, analysis.Sources.SourceOf);
        var diagnostics = analysis.Diagnostics.ToList();
        var hypotheses = new List<HypothesisReport>();
        var skipped = new List<SkippedHypothesis>();
        if (!analysis.HasErrors)
        {
            var compilation = compiler.Compile(analysis);
            diagnostics.AddRange(compilation.Diagnostics);
            if (!compilation.Diagnostics.HasErrors())
                foreach (var runnable in compilation.Hypotheses.Where(h => options.Selects(h.Bound.Name)))
                    if (Run(runnable, path, display, diagnostics, skipped) is { } report)
                        hypotheses.Add(report);
        }
        return new FileReport(display, ReportBuilder.Sha256OfFile(path), hypotheses,
            diagnostics.InSourceOrder().Select(d => ReportBuilder.Diagnostic(d, locator)).ToArray(), skipped);
    }

    HypothesisReport? Run(RunnableHypothesis runnable, string path, string display, List<Diagnostic> diagnostics, List<SkippedHypothesis> skipped)
    {
        var bound = runnable.Bound;
        try
        {
            progress?.Invoke($"running {display}: {bound.Name}");
            var (result, sha) = Execute(runnable, Path.GetDirectoryName(path)!);
            return ReportBuilder.Hypothesis(runnable, result, display, sha);
        }
        catch (ModelNotShippedException e)
        {
            skipped.Add(ReportBuilder.Skipped(bound, e.Model.Reference, e.Message));
        }
        catch (ModelFormatException e)
        {
            diagnostics.Add(RunDiagnostics.ModelNotLoaded.Create(bound.Span, options.Model ?? bound.ModelReference, e.Message));
        }
        catch (DirectoryNotFoundException e)
        {
            diagnostics.Add(RunDiagnostics.ModelNotLoaded.Create(bound.Span, options.Model ?? bound.ModelReference, e.Message));
        }
        catch (Exception e) when (e is CheckFailedException or HypothesisException or DataFormatException or ArgumentException
                                      or InvalidOperationException or KeyNotFoundException or NotSupportedException or IOException)
        {
            diagnostics.Add(RunDiagnostics.CheckCouldNotRun.Create(bound.Span, bound.Name, e.Message));
        }
        return null;
    }

    /// <summary>Runs one hypothesis on its model (loaded once per runner); failures surface as the engine's exceptions.</summary>
    public (ExperimentResult Result, string ModelSha256) Execute(RunnableHypothesis runnable, string fileDirectory)
    {
        var (model, sha) = Model(runnable.Bound, fileDirectory);
        TorchSharp.torch.set_num_threads(TorchThreads.For(model.Model, options.Threads));
        var datasets = new ZooDatasets(model.Tokenizer, model.Model.Config.ContextLength);
        return (new ExperimentRunner(model.Model).Run(runnable.BuildPlan(datasets, options, fileDirectory)), sha);
    }

    (LoadedModel Model, string Sha256) Model(BoundHypothesis bound, string directory)
    {
        string reference = options.Model ?? bound.ModelReference;
        string folder = ZooCatalog.ResolvePath(reference, directory);
        if (!models.TryGetValue(folder, out var entry))
            models[folder] = entry = (ModelLoader.Load(folder), ReportBuilder.Sha256OfFolder(folder));
        return entry;
    }
}
