using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Zoo;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// A folder of small checks for the result cache: main.circuit (a scrub and a path check, importing lib.circuit),
/// data.circuit (reads prompts.jsonl), a copy of zoo:attn-only-2l that every file runs on, and a cache folder of
/// its own. <see cref="Check"/> runs `circuit check` in-process on both files, as the command does.
/// </summary>
internal sealed class CacheWorkspace : IDisposable
{
    public const string Main = "main.circuit", Lib = "lib.circuit", Data = "data.circuit", Prompts = "prompts.jsonl";

    static readonly IPlanCompiler Compiler = new RoslynPlanCompiler(new CircuitCompiler(CompileCache.InMemory()));

    readonly TempFolder folder = new();

    public CacheWorkspace()
    {
        folder.File(Lib, "let token = x.Tokens[x.Pos]\n");
        folder.File(Main, """
            import "lib.circuit"

            model zoo:attn-only-2l
            data repeated_tokens(count: 16, seed: 3)
            metric loss at repeated

            hypothesis induction {
              node out = logits
                from ind
              node ind = L1.H0 computes token
                from embed agreeing on token
              expect scrub recovers >= 0.1
            }

            hypothesis paths {
              node out = logits
                from L1.H0
              expect path L1.H0 -> logits effect <= 0
              expect model metric <= 0.5
            }

            """);
        folder.File(Data, """
            model zoo:attn-only-2l
            data jsonl("prompts.jsonl", seed: 3)
            metric loss
            ablation resample

            hypothesis knock {
              node out = logits
                from L1.H0
              expect path L1.H0 -> logits effect <= 0
              expect knockout metric >= 0
            }

            """);
        var random = new Random(1);
        System.IO.File.WriteAllLines(folder.File(Prompts), Enumerable.Range(0, 12).Select(_ =>
        {
            int[] half = [.. Enumerable.Range(0, 8).Select(_ => random.Next(64))];
            return $"{{\"prompt\": [{string.Join(", ", half.Concat(half))}]}}";
        }));
        Directory.CreateDirectory(ModelFolder);
        foreach (string file in Directory.GetFiles(ZooCatalog.ResolvePath("zoo:attn-only-2l")))
            System.IO.File.Copy(file, System.IO.Path.Combine(ModelFolder, System.IO.Path.GetFileName(file)));
    }

    public string Folder => folder.Path;
    public string ModelFolder => folder.File("model");
    public string CacheFolder => folder.File("cache");
    public string PathOf(string name) => folder.File(name);

    /// <summary>The options every run uses unless a test changes one: the copied model, one thread.</summary>
    public CheckOptions Options => new(Models: ModelMapping.Everything(ModelFolder), Threads: 1);

    public ResultCache Cache(bool reads = true, string? engine = null) => new(CacheFolder, reads, engine);

    public CheckReport Check(CheckOptions? options = null, ResultCache? cache = null, IPlanCompiler? compiler = null, params string[] files)
    {
        using var runner = new CheckRunner(options ?? Options, compiler ?? Compiler, Folder, results: cache ?? Cache());
        return runner.Run((files.Length > 0 ? files : [Main, Data]).Select(PathOf).ToArray(), ToolInfo.Versions());
    }

    public void Append(string name, string text) => System.IO.File.AppendAllText(PathOf(name), text);

    public string[] Entries => Directory.Exists(CacheFolder) ? Directory.GetFiles(CacheFolder) : [];

    public void Dispose() => folder.Dispose();

    /// <summary>Whether each hypothesis of the report was reused, in order.</summary>
    public static bool[] Reused(CheckReport report) => [.. report.Files.SelectMany(f => f.Hypotheses).Select(h => h.Reused)];

    /// <summary>Whether each hypothesis of <paramref name="file"/> was reused, in order.</summary>
    public static bool[] Reused(CheckReport report, string file) =>
        [.. report.Files.Single(f => f.Path == file).Hypotheses.Select(h => h.Reused)];

    /// <summary>The JSON report as a fresh run writes it: every hypothesis marked as computed.</summary>
    public static string JsonAsComputed(CheckReport report) =>
        JsonReportWriter.Write(report with { Files = [.. report.Files.Select(f => f with { Hypotheses = [.. f.Hypotheses.Select(h => h with { Reused = false })] })] });
}
