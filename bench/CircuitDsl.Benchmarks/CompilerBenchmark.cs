using System.Diagnostics;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Compiling hypotheses/induction-attn-only-2l.circuit (bound once): the first compile of the process (Roslyn and the
/// sandbox loading), a cold compile with everything loaded (new compiler, empty cache), a warm cache hit (same
/// compiler: no sandbox, no Roslyn), and a disk cache hit from a new compiler (a second `circuit check`).
/// </summary>
public static class CompilerBenchmark
{
    public static void Run(TextWriter output, int repetitions)
    {
        var file = BindInduction();
        string cacheDir = Path.Combine(Path.GetTempPath(), "circuitdsl-bench-cache-" + Guid.NewGuid().ToString("N"));
        try
        {
            var clock = Stopwatch.StartNew();
            Require(new CircuitCompiler(CompileCache.InMemory()).Compile(file), roslyn: true);
            double first = clock.Elapsed.TotalMilliseconds;

            var warm = new CircuitCompiler(new CompileCache(cacheDir));
            Require(warm.Compile(file), roslyn: true);
            var medians = Timing.MedianMilliseconds(repetitions,
                () => Require(new CircuitCompiler(CompileCache.InMemory()).Compile(file), roslyn: true),
                () => Require(warm.Compile(file), roslyn: false),
                () => Require(new CircuitCompiler(new CompileCache(cacheDir)).Compile(file), roslyn: false));

            output.WriteLine("## Compiler (hypotheses/induction-attn-only-2l.circuit, 2 hypotheses, 3 variables)");
            output.WriteLine();
            output.WriteLine("| compile | ms |");
            output.WriteLine("|---|---|");
            output.WriteLine($"| first in the process (Roslyn and the sandbox load) | {Timing.F(first, "0")} |");
            output.WriteLine($"| cold: new compiler, empty cache (sandbox + lowering + Roslyn) | {Timing.F(medians[0], "0.0")} |");
            output.WriteLine($"| warm cache hit, same compiler | {Timing.F(medians[1])} |");
            output.WriteLine($"| disk cache hit, new compiler (sandbox runs again, Roslyn does not) | {Timing.F(medians[2], "0.0")} |");
            output.WriteLine();
        }
        finally
        {
            if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
        }
    }

    static void Require(CompileOutcome outcome, bool roslyn)
    {
        if (!outcome.Success || outcome.RoslynRan != roslyn)
            throw new InvalidOperationException($"unexpected compile outcome (Roslyn ran: {outcome.RoslynRan}): {string.Join("; ", outcome.Diagnostics)}");
    }

    static BoundCircuitFile BindInduction()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDsl.sln"))) directory = directory.Parent;
        string path = Path.Combine(directory?.FullName ?? throw new InvalidOperationException("cannot find CircuitDsl.sln"), "hypotheses", "induction-attn-only-2l.circuit");
        var shape = new ModelShape("attn-only-2l", Layers: 2, HeadsPerLayer: 2, HasMlps: false, DModel: 64, VocabSize: 64, ContextLength: 48);
        var analysis = CircuitAnalyzer.AnalyzeFile(path, new PhysicalFileProvider(), new InMemoryModelResolver(new Dictionary<string, ModelShape> { ["zoo:attn-only-2l"] = shape }), ZooTasks.Catalog);
        return analysis.File ?? throw new InvalidOperationException(analysis.RenderText());
    }
}
