using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Language.Tests;

/// <summary>Shared fixtures: model shapes, resolvers and repository paths.</summary>
internal static class TestSupport
{
    public static ModelShape AttnOnly2L { get; } = new("attn-only-2l", Layers: 2, HeadsPerLayer: 2, HasMlps: false, DModel: 64, VocabSize: 64, ContextLength: 48);

    public static ModelShape AttnOnly1L { get; } = new("attn-only-1l", Layers: 1, HeadsPerLayer: 2, HasMlps: false, DModel: 64, VocabSize: 64, ContextLength: 48);

    public static ModelShape Gpt2Small { get; } = new("gpt2-small", Layers: 12, HeadsPerLayer: 12, HasMlps: true, DModel: 768, VocabSize: 50257, ContextLength: 1024);

    /// <summary>A Llama-like shape: rotary (no pos_embed), 4 query heads on 2 key/value heads (groups H0-H1 and H2-H3), MLPs.</summary>
    public static ModelShape Gqa { get; } = new("gqa-2l", Layers: 2, HeadsPerLayer: 4, HasMlps: true, DModel: 64, VocabSize: 64, ContextLength: 48)
    {
        KeyValueHeads = 2, LearnedPositions = false,
    };

    /// <summary>A GPT-NeoX-like shape: rotary and parallel blocks.</summary>
    public static ModelShape Parallel { get; } = new("parallel-2l", Layers: 2, HeadsPerLayer: 2, HasMlps: true, DModel: 64, VocabSize: 64, ContextLength: 48)
    {
        LearnedPositions = false, ParallelBlocks = true,
    };

    /// <summary>A Gemma-2-like shape: rotary, grouped-query attention, sandwich norms.</summary>
    public static ModelShape Sandwich { get; } = new("sandwich-2l", Layers: 2, HeadsPerLayer: 4, HasMlps: true, DModel: 64, VocabSize: 64, ContextLength: 48)
    {
        KeyValueHeads = 2, LearnedPositions = false, SandwichNorms = true,
    };

    /// <summary>Resolves the zoo names the examples use.</summary>
    public static IModelResolver Models { get; } = new InMemoryModelResolver(new Dictionary<string, ModelShape>
    {
        ["zoo:attn-only-2l"] = AttnOnly2L,
        ["zoo:attn-only-1l"] = AttnOnly1L,
        ["zoo:gpt2-small"] = Gpt2Small,
        ["zoo:gqa-2l"] = Gqa,
        ["zoo:parallel-2l"] = Parallel,
        ["zoo:sandwich-2l"] = Sandwich,
        ["zoo:deep"] = Gpt2Small with { Name = "deep", Layers = 24, HeadsPerLayer = 1, HasMlps = false },
    });

    /// <summary>The tasks data statements name: the Zoo's, where each is defined beside the code that makes its examples.</summary>
    public static ITaskCatalog Tasks => ZooTasks.Catalog;

    /// <summary>The repository root (the folder holding CircuitDsl.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string GrammarDirectory => Path.Combine(RepoRoot, "grammar");

    public static string ExamplesDirectory => Path.Combine(RepoRoot, "grammar", "examples");

    public static string BaselinesDirectory => Path.Combine(RepoRoot, "tests", "CircuitDsl.Language.Tests", "Baselines");

    /// <summary>Analyzes a snippet as main.circuit; other files can be supplied for imports.</summary>
    public static AnalysisResult Analyze(string text, InMemoryFileProvider? files = null) =>
        CircuitAnalyzer.AnalyzeText(text, "main.circuit", files ?? new InMemoryFileProvider(), Models, Tasks);

    private static string FindRepoRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDsl.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (CircuitDsl.sln).");
    }
}

/// <summary>Reads files under a base folder, so diagnostics show paths relative to it.</summary>
internal sealed class RootedFileProvider(string baseDirectory) : IFileProvider
{
    private readonly PhysicalFileProvider _inner = new();

    public bool TryReadAllBytes(string path, out byte[] bytes, out string error) =>
        _inner.TryReadAllBytes(Path.Combine(baseDirectory, path), out bytes, out error);

    public InputFileInfo Inspect(string path) => _inner.Inspect(Path.Combine(baseDirectory, path));
}
