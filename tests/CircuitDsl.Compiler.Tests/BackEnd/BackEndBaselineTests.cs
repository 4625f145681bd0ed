using System.Text;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Compiler.Tests.Lowering;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Compiler.Tests.BackEnd;

/// <summary>
/// The back end's baselines, in the manner of the Language tests': for every shipped .circuit file (hypotheses/**
/// and grammar/examples), Baselines/NAME.emitted.cs holds what `circuit emit FILE` prints and Baselines/NAME.plan.txt
/// the ExperimentPlan each hypothesis builds (the way `circuit check` builds it, with datasets from the model's
/// tokenizer and no weights). NAME is the repository-relative path with '/' as '_' and no extension. Regenerate with
/// <c>CIRCUIT_UPDATE_BASELINES=1 dotnet test tests/CircuitDsl.Compiler.Tests</c> and review the diff.
/// </summary>
public class BackEndBaselineTests
{
    const string Project = "tests/CircuitDsl.Compiler.Tests";

    static string BaselinesDirectory => Path.Combine(Circuits.RepoRoot, "tests", "CircuitDsl.Compiler.Tests", "Baselines");

    // One compiler for every case, as `check` has one per process (it remembers sandbox verdicts); nothing on disk.
    static readonly CircuitCompiler Compiler = new(CompileCache.InMemory());

    /// <summary>Repository-relative paths with '/', in order.</summary>
    static IEnumerable<string> ShippedFiles() =>
        new[] { "hypotheses", "grammar/examples" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(Circuits.RepoRoot, dir), "*.circuit", SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(Circuits.RepoRoot, path).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    static string BaselineName(string file) => Path.ChangeExtension(file, null).Replace('/', '_');

    [TestCaseSource(nameof(ShippedFiles))]
    public void EmittedCSharp(string file)
    {
        var analysis = Analyze(file);
        var lowered = Compiler.Lower(analysis.File!);
        string actual = lowered.Success ? lowered.Source!.Text : "(not lowered)\n" + Rendered(lowered.Diagnostics, analysis);
        BaselineFile.Compare(Path.Combine(BaselinesDirectory, BaselineName(file) + ".emitted.cs"), RepositoryPaths.Relative(actual, file), Project);
    }

    [TestCaseSource(nameof(ShippedFiles))]
    public void BoundPlan(string file)
    {
        var analysis = Analyze(file);
        var outcome = Compiler.Compile(analysis.File!);
        var text = new StringBuilder($"# The ExperimentPlan of each hypothesis of {file}, as `circuit check` builds it (no --samples, no --seed).\n");
        if (!outcome.Success) text.Append("(not compiled)\n").Append(Rendered(outcome.Diagnostics, analysis));
        string directory = Path.GetDirectoryName(Path.Combine(Circuits.RepoRoot, file))!;
        foreach (var hypothesis in outcome.Hypotheses)
        {
            var datasets = new RecordingDatasets(ZooWithoutWeights.Datasets(hypothesis.Bound.ModelReference, directory));
            var plan = hypothesis.BuildPlan(datasets, new PlanOptions(BaseDirectory: directory));
            text.Append('\n').Append($"hypothesis {hypothesis.Bound.Name} on {hypothesis.Bound.ModelReference}\n");
            text.Append(PlanDump.Of(plan, datasets.Requests, hypothesis.Bound.Expectations.Select(e => (e.Text, e.Id)).ToArray(),
                path => Path.GetRelativePath(Circuits.RepoRoot, path).Replace('\\', '/')));
        }
        BaselineFile.Compare(Path.Combine(BaselinesDirectory, BaselineName(file) + ".plan.txt"), RepositoryPaths.Relative(text.ToString(), file), Project);
    }

    [Test]
    public void EveryBaselineBelongsToAShippedFile()
    {
        var expected = ShippedFiles().SelectMany(f => new[] { BaselineName(f) + ".emitted.cs", BaselineName(f) + ".plan.txt" }).ToHashSet();
        var stale = Directory.EnumerateFiles(BaselinesDirectory).Select(Path.GetFileName).OfType<string>().Where(n => !expected.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (BaselineFile.Updating)
        {
            foreach (var name in stale) File.Delete(Path.Combine(BaselinesDirectory, name));
            return;
        }
        Assert.That(stale, Is.Empty, $"baselines whose .circuit file is gone (delete them, or run {BaselineFile.Regenerate(Project)})");
    }

    static AnalysisResult Analyze(string file)
    {
        var analysis = CircuitAnalyzer.AnalyzeFile(Path.Combine(Circuits.RepoRoot, file), new PhysicalFileProvider(), ZooWithoutWeights.Instance, ZooTasks.Catalog);
        Assert.That(analysis.HasErrors, Is.False, analysis.RenderText());
        return analysis;
    }

    static string Rendered(IEnumerable<Diagnostic> diagnostics, AnalysisResult analysis)
    {
        using var writer = new StringWriter();
        DiagnosticRenderer.WriteText(writer, diagnostics.ToList(), analysis.Sources.SourceOf);
        return writer.ToString();
    }
}
