using CircuitDsl.Cli.Models;
using CircuitDsl.Cli.Check.Sensitivity;
using CircuitDsl.Cli.Reports;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// The `circuit check` pipeline for a list of files: bind, compile, load each model once, run every selected
/// hypothesis, and collect one report. A file with errors is reported with its diagnostics and not run; the other
/// files still run. A hypothesis on a known model whose weights are not shipped (zoo:gpt2-small without --model)
/// is bound and compiled, then skipped: it neither passes nor fails. Nothing a file does loses another file's
/// results: a causal variable that throws is that file's CD4002, and even a bug of CircuitDsl is that file's
/// CD4099 (kept in <see cref="InternalErrors"/> for --verbose). With a <see cref="ResultCache"/>, a hypothesis whose
/// inputs are unchanged reuses its recorded result (its model is hashed, not loaded), and the results of a file that
/// ran without an error are recorded.
/// </summary>
public sealed partial class CheckRunner(CheckOptions options, IPlanCompiler compiler, string reportRoot, Action<string>? progress = null, ResultCache? results = null) : IDisposable
{
    readonly Dictionary<string, LoadedModel> models = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> folderHashes = new(StringComparer.Ordinal);
    readonly List<Exception> internalErrors = [];
    readonly SortedSet<string> readFiles = new(StringComparer.Ordinal);
    // Per model folder, the clean runs the current file's hypotheses share (freed after each file).
    readonly Dictionary<string, SharedRuns> fileRuns = new(StringComparer.Ordinal);

    /// <summary>How many hypotheses the filter selected (all of them without one).</summary>
    public int Selected { get; private set; }

    /// <summary>Clean runs read from an earlier hypothesis of the same file instead of being made again.</summary>
    public int ReusedRuns { get; private set; }

    /// <summary>Every .circuit file this run read, imports included (full paths).</summary>
    public IReadOnlyCollection<string> ReadFiles => readFiles;

    /// <summary>The bugs met while checking, in order (each is also a CD4099 diagnostic of its file).</summary>
    public IReadOnlyList<Exception> InternalErrors => internalErrors;

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
        foreach (var model in models.Values) model.Dispose();
        models.Clear();
    }

    FileReport CheckFile(string path)
    {
        string relative = Path.GetRelativePath(reportRoot, path);
        // Reports name files relative to where check ran (the repository root in CI); a file outside it keeps its full path.
        string display = (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative).Replace('\\', '/');
        try
        {
            return CheckFile(path, display);
        }
        catch (Exception e)
        {
            internalErrors.Add(e);
            var diagnostic = RunDiagnostics.InternalError.Create(new SourceSpan(path, 0, 0, 0, 0), "checking this file", e.GetType().Name, CliErrors.OneLine(e.Message));
            return new FileReport(display, "", [], [ReportBuilder.Diagnostic(diagnostic, new DiagnosticLocator(reportRoot, _ => null))], []);
        }
    }

    FileReport CheckFile(string path, string display)
    {
        progress?.Invoke($"binding {display}");
        var analysis = CircuitAnalyzer.AnalyzeFile(path, new PhysicalFileProvider(), new ConfigModelResolver(options.Models), ZooTasks.Catalog);
        RecordInputs(analysis, Path.GetDirectoryName(path)!);
        var locator = new DiagnosticLocator(reportRoot, analysis.Sources.SourceOf);
        var diagnostics = analysis.Diagnostics.ToList();
        var hypotheses = new List<HypothesisReport>();
        var skipped = new List<SkippedHypothesis>();
        var computed = new List<(ResultCacheKey Key, CachedResult Entry, BoundHypothesis Bound)>();
        if (!analysis.HasErrors && ReusedWithoutCompiling(analysis, path, display) is { } reused)
        {
            Selected += reused.Count;
            hypotheses.AddRange(reused);
        }
        else if (!analysis.HasErrors)
        {
            var compilation = compiler.Compile(analysis);
            diagnostics.AddRange(compilation.Diagnostics);
            bool compiledClean = compilation.Diagnostics.Count == 0;
            if (!compilation.Diagnostics.HasErrors())
            {
                var selected = compilation.Hypotheses.Where(h => options.Selects(h.Bound.Name)).ToArray();
                try
                {
                    for (int i = 0; i < selected.Length; i++)
                    {
                        Selected++;
                        bool readLater = selected.Skip(i + 1).Any(later => SharedRunsKey.Same(selected[i].Bound, later.Bound));
                        if (Run(selected[i], path, display, analysis.Sources, diagnostics, skipped, computed, compiledClean, readLater) is { } report)
                            hypotheses.Add(report);
                    }
                }
                finally
                {
                    ReusedRuns += fileRuns.Values.Sum(runs => runs.Reused);
                    foreach (var runs in fileRuns.Values) runs.Dispose();
                    fileRuns.Clear();
                }
            }
        }
        // A file that failed anywhere (a variable that threw, a model that did not load) records nothing: its next run
        // recomputes all of it, so a cached result never stands beside an error it might hide.
        if (!diagnostics.HasErrors()) Record(computed, path, analysis);
        return new FileReport(display, ReportBuilder.Sha256OfFile(path), hypotheses,
            diagnostics.InSourceOrder().Select(d => ReportBuilder.Diagnostic(d, locator)).ToArray(), skipped);
    }

    HypothesisReport? Run(
        RunnableHypothesis runnable, string path, string display, LoadedSources sources, List<Diagnostic> diagnostics, List<SkippedHypothesis> skipped,
        List<(ResultCacheKey Key, CachedResult Entry, BoundHypothesis Bound)> computed, bool compiledClean, bool readLater)
    {
        var bound = runnable.Bound;
        try
        {
            string directory = Path.GetDirectoryName(path)!;
            // The key hashes the model folder, so a model that is not here is skipped (or refused) exactly as a run would.
            var key = results is not null && compiler.PlansFollowFromSources ? KeyOf(bound, path, directory, sources) : null;
            if (key is not null && results!.TryGet(key, out var cached))
            {
                progress?.Invoke($"reusing {display}: {bound.Name}");
                return ReportBuilder.Hypothesis(bound, cached!.Result, display, cached.ModelSha256, cached.Weights) with { Reused = true };
            }
            progress?.Invoke($"running {display}: {bound.Name}");
            var (result, sha, weights, sensitivity) = Execute(runnable, directory, options.Sensitivity, readLater);
            var report = ReportBuilder.Hypothesis(runnable, result, display, sha, weights) with { Sensitivity = sensitivity };
            if (key is not null) computed.Add((key, new CachedResult(key.Material, sha, compiledClean, result, weights), bound));
            return report;
        }
        catch (Exception e) when (Find<CausalVariableException>(e) is { } failed)
        {
            var place = SpanOf(failed, sources) ?? bound.Variables.FirstOrDefault(v => v.Name == failed.Variable)?.Span ?? bound.Span;
            diagnostics.Add(RunDiagnostics.CausalVariableFailed.Create(place, bound.Name, failed.Message));
        }
        catch (ModelNotShippedException e)
        {
            skipped.Add(ReportBuilder.Skipped(bound, e.Model.Reference, e.Message));
        }
        catch (ModelFormatException e)
        {
            diagnostics.Add(RunDiagnostics.ModelNotLoaded.Create(bound.Span, options.ModelFor(bound.ModelReference), e.Message));
        }
        catch (Exception e) when (Find<Interventions.Data.DataFormatException>(e) is { } data)
        {
            // The data file changed since binding, or holds what only reading it shows: the `data` statement is the place.
            diagnostics.Add(RunDiagnostics.CheckCouldNotRun.Create(bound.Data.Span, bound.Name, data.Message));
        }
        catch (Exception e) when (IsInputError(e))
        {
            diagnostics.Add(RunDiagnostics.CheckCouldNotRun.Create(bound.Span, bound.Name, e.Message));
        }
        catch (Exception e)
        {
            internalErrors.Add(e);
            diagnostics.Add(RunDiagnostics.InternalError.Create(bound.Span, $"running hypothesis '{bound.Name}'", e.GetType().Name, CliErrors.OneLine(e.Message)));
        }
        return null;
    }

    /// <summary>
    /// Runs one hypothesis on its model (loaded once per runner), on a thread with a known stack; failures surface as
    /// the engine's exceptions.
    /// </summary>
    public (ExperimentResult Result, string ModelSha256, string Weights) Execute(RunnableHypothesis runnable, string fileDirectory)
    {
        var (result, sha, weights, _) = Execute(runnable, fileDirectory, sensitivity: false, readLater: null);
        return (result, sha, weights);
    }

    /// <summary>
    /// As <see cref="Execute(RunnableHypothesis, string)"/>, and with <paramref name="sensitivity"/> the claims rerun under
    /// the alternatives (`--sensitivity`). Within a file's run, clean runs its earlier hypotheses made are read rather
    /// than made again, and this one's are kept when <paramref name="readLater"/> (a later hypothesis reads the same
    /// data); null runs it alone, sharing nothing.
    /// </summary>
    (ExperimentResult Result, string ModelSha256, string Weights, SensitivityReport? Sensitivity) Execute(RunnableHypothesis runnable, string fileDirectory, bool sensitivity, bool? readLater) =>
        KnownStack.Run(ResourceLimits.EvaluationStackBytes, () =>
    {
        var (_, folder, sha) = ModelFolder(runnable.Bound, fileDirectory);
        var model = Model(folder);
        SharedRuns? shared = null;
        if (readLater is { } keep)
        {
            if (!fileRuns.TryGetValue(folder, out shared))
                fileRuns[folder] = shared = new SharedRuns(model.Model, options.SharedRunsBytes);
            shared.Keeping = keep;
        }
        // libtorch's OpenMP thread count belongs to the calling thread, so it is set on the one that runs.
        TorchSharp.torch.set_num_threads(TorchThreads.For(model.Model, options.Threads));
        var datasets = new ZooDatasets(model.Tokenizer, model.Model.Config.ContextLength);
        var plan = runnable.BuildPlan(datasets, options, fileDirectory);
        var result = new ExperimentRunner(model.Model) { Circuits = new CircuitFaithfulness(), SharedRuns = shared }.Run(plan);
        return (result, sha, ModelWeights.Describe(model.Model.WeightDtype),
            sensitivity ? SensitivityRunner.Run(model.Model, plan, result, runnable.Bound) : null);
    });

    /// <summary>The model a hypothesis runs on (after --model), its folder, and the folder's hash (once per folder and run).</summary>
    (string Reference, string Folder, string Sha256) ModelFolder(BoundHypothesis bound, string directory)
    {
        string reference = options.ModelFor(bound.ModelReference);
        string folder = ZooCatalog.ResolvePath(reference, directory);
        if (!folderHashes.TryGetValue(folder, out string? sha))
        {
            try
            {
                folderHashes[folder] = sha = ReportBuilder.Sha256OfFolder(folder); // first: a folder that cannot be hashed leaves no model loaded
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelFormatException(folder, e.Message); // a file of the model folder, not of the hypothesis
            }
        }
        return (reference, folder, sha);
    }

    LoadedModel Model(string folder)
    {
        if (!models.TryGetValue(folder, out var model))
        {
            try
            {
                models[folder] = model = ModelLoader.Load(folder, new ModelLoadOptions { KeepStoredDtype = options.KeepStoredDtype });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ModelFormatException(folder, e.Message);
            }
        }
        return model;
    }

    /// <summary>Every file the check of <paramref name="analysis"/> reads: its sources, its data files and its models' files.</summary>
    void RecordInputs(AnalysisResult analysis, string directory)
    {
        readFiles.UnionWith(analysis.Sources.TreesByPath.Keys.Select(file => Path.GetFullPath(file, reportRoot)));
        foreach (var bound in analysis.File?.Hypotheses ?? [])
        {
            foreach (var file in bound.Data.Request.Arguments.Values.OfType<TaskValue.FilePath>())
                readFiles.Add(Path.GetFullPath(file.Path, reportRoot));
            try
            {
                string folder = ZooCatalog.ResolvePath(options.ModelFor(bound.ModelReference), directory);
                if (Directory.Exists(folder)) readFiles.UnionWith(Directory.EnumerateFiles(folder));
            }
            catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
            {
                // Not resolvable here (not shipped, missing): running it says why; there is nothing to protect.
            }
        }
    }

    /// <summary>
    /// Whether a failure to run a hypothesis describes its file, data or model (the engine's own exceptions, and the
    /// framework's for bad input) rather than a bug of CircuitDsl.
    /// </summary>
    public static bool IsInputError(Exception e) =>
        e is CausalVariableException or CheckFailedException or HypothesisException or Interventions.Data.DataFormatException or InvalidOperationException
        || CliErrors.IsUserFacing(e);

    /// <summary>The .circuit place where the variable's compiled code threw, from its PDB (null when it ran out of time instead).</summary>
    static SourceSpan? SpanOf(CausalVariableException failed, LoadedSources sources)
    {
        if (failed.InnerException is null || CircuitFrames.Innermost(failed.InnerException) is not { } frame) return null;
        int offset = sources.SourceOf(frame.File) is { } text ? text.GetLineStart(frame.Line) + frame.Column - 1 : 0;
        return new SourceSpan(frame.File, offset, 0, frame.Line, frame.Column);
    }

    static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }
}
