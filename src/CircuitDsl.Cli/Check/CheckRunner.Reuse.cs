using CircuitDsl.Language;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Check;

// How the runner finds recorded results (ResultCache): keys, and a file reused whole without compiling it.
public sealed partial class CheckRunner
{
    /// <summary>
    /// The reports of a file's selected hypotheses when each has a recorded result whose compile gave no diagnostic
    /// at all: compiling the same sources with the same compiler build (both in the key) would give nothing new, and
    /// skipping it saves loading Roslyn. Null otherwise, and the file is compiled and each hypothesis run or reused.
    /// </summary>
    List<HypothesisReport>? ReusedWithoutCompiling(AnalysisResult analysis, string path, string display)
    {
        if (results is not { Reads: true } || !compiler.PlansFollowFromSources) return null;
        var selected = analysis.File!.Hypotheses.Where(h => options.Selects(h.Name)).ToList();
        if (selected.Count == 0) return null; // compiled anyway: its diagnostics are all such a file reports
        string directory = Path.GetDirectoryName(path)!;
        var reports = new List<HypothesisReport>();
        foreach (var bound in selected)
        {
            ResultCacheKey key;
            try
            {
                key = KeyOf(bound, path, directory, analysis.Sources);
            }
            catch (Exception)
            {
                return null; // a model not shipped, or not readable: the usual path skips or reports it
            }
            if (!results.TryGet(key, out var cached) || !cached!.CompiledClean) return null;
            try
            {
                reports.Add(ReportBuilder.Hypothesis(bound, cached.Result, display, cached.ModelSha256, cached.Weights) with { Reused = true });
            }
            catch (InternalReportException)
            {
                return null; // running it again reports the same bug at the hypothesis
            }
        }
        progress?.Invoke($"reused {display}");
        return reports;
    }

    /// <summary>
    /// Stores the results computed for a file, each only if its key is still what it was before the run: a model or
    /// data file rewritten while the hypothesis ran could otherwise leave numbers of the new bytes under the old bytes'
    /// key. Model folders are hashed afresh once each (about 1 ms for a zoo model; a miss of a large one ran far longer).
    /// </summary>
    void Record(List<(ResultCacheKey Key, CachedResult Entry, BoundHypothesis Bound)> computed, string path, AnalysisResult analysis)
    {
        if (computed.Count == 0) return;
        string directory = Path.GetDirectoryName(path)!;
        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, entry, bound) in computed)
        {
            ResultCacheKey now;
            try
            {
                now = KeyOf(bound, path, directory, analysis.Sources,
                    folder => fresh.TryGetValue(folder, out string? sha) ? sha : fresh[folder] = ReportBuilder.Sha256OfFolder(folder));
            }
            catch (Exception)
            {
                continue; // the model or a data file cannot be read now: nothing trustworthy to record, and the report stands
            }
            if (now == key) results!.Store(key, entry);
        }
    }

    /// <summary>The result-cache key of one hypothesis: what it reads (sources, model, data), the engine and the options.</summary>
    /// <param name="folderHash">Hashes a model folder afresh (default: the run's hash, computed once per folder).</param>
    ResultCacheKey KeyOf(BoundHypothesis bound, string path, string directory, LoadedSources sources, Func<string, string>? folderHash = null)
    {
        var (reference, folder, sha) = ModelFolder(bound, directory);
        if (folderHash is not null) sha = folderHash(folder);
        // Resolved as the engine resolves them (relative to the file's folder; the binder's paths are full already).
        var data = bound.Data.Request.Arguments.Values.OfType<TaskValue.FilePath>().Select(file => Path.GetFullPath(file.Path, directory));
        return ResultCacheKey.For(results!.Engine, Path.GetFullPath(path), sources, bound.Name, reference, folder, sha, data, options);
    }
}
