using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>Binding .circuit text and files for the compiler's tests (model shapes in memory, no weights).</summary>
internal static class Circuits
{
    public const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\nbaseline resampled_input\n";

    /// <summary>A hypothesis that only measures the model: it makes the file's variables part of a claim, so they are checked.</summary>
    public const string ModelOnly = "hypothesis h {\n  expect model metric <= 5\n}\n";

    static readonly ModelShape AttnOnly2L = new("attn-only-2l", Layers: 2, HeadsPerLayer: 2, HasMlps: false, DModel: 64, VocabSize: 64, ContextLength: 48);

    public static IModelResolver Models { get; } = new InMemoryModelResolver(new Dictionary<string, ModelShape>
    {
        ["zoo:attn-only-2l"] = AttnOnly2L,
        ["zoo:attn-only-1l"] = AttnOnly2L with { Name = "attn-only-1l", Layers = 1 },
        ["zoo:ioi-2l"] = new("ioi-2l", Layers: 2, HeadsPerLayer: 4, HasMlps: true, DModel: 64, VocabSize: 52, ContextLength: 16),
        ["zoo:parens-3l"] = new("parens-3l", Layers: 3, HeadsPerLayer: 2, HasMlps: true, DModel: 56, VocabSize: 7, ContextLength: 42),
        ["zoo:llama-2l"] = new("llama-2l", Layers: 2, HeadsPerLayer: 4, HasMlps: true, DModel: 64, VocabSize: 64, ContextLength: 48) { KeyValueHeads = 2, LearnedPositions = false },
        ["zoo:gpt2-small"] = new("gpt2-small", Layers: 12, HeadsPerLayer: 12, HasMlps: true, DModel: 768, VocabSize: 50257, ContextLength: 1024),
    });

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Every .circuit file the repository ships: the hypotheses and the grammar's examples.</summary>
    public static IEnumerable<string> ShippedFiles() =>
        new[] { "hypotheses", Path.Combine("grammar", "examples") }
            .SelectMany(dir => Directory.GetFiles(Path.Combine(RepoRoot, dir), "*.circuit"))
            .Select(path => Path.GetRelativePath(RepoRoot, path))
            .Order(StringComparer.Ordinal);

    public static BoundCircuitFile BindFile(string repoRelativePath) =>
        Bound(CircuitAnalyzer.AnalyzeFile(Path.Combine(RepoRoot, repoRelativePath), new PhysicalFileProvider(), Models, ZooTasks.Catalog));

    public static BoundCircuitFile Bind(string text) => Bound(Analyze(text));

    /// <summary>The front end alone, errors included (<see cref="Bind"/> asserts there are none).</summary>
    public static AnalysisResult Analyze(string text) => CircuitAnalyzer.AnalyzeText(text, "main.circuit", new InMemoryFileProvider(), Models, ZooTasks.Catalog);

    static BoundCircuitFile Bound(AnalysisResult analysis)
    {
        Assert.That(analysis.HasErrors, Is.False, analysis.RenderText());
        return analysis.File!;
    }

    public static CircuitCompiler InMemoryCompiler() => new(CompileCache.InMemory());

    static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDsl.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("cannot find the repository root (CircuitDsl.sln)");
    }
}
