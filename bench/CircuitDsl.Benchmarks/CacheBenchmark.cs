using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using CircuitDsl.Cli;
using CircuitDsl.Cli.Check;
using CircuitDsl.Compiler.Roslyn;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Benchmark 5e: `circuit check hypotheses` twice in one process with nothing changed, in a cache folder of its own.
/// The first run of the process pays for Roslyn and libtorch loading; then runs with --no-cache (every hypothesis
/// computed, plans from the compile cache) alternate with plain runs (every result reused), so both kinds see the
/// same compile-cache state. Also the cost the cache cannot skip: hashing the model folders its keys name.
/// </summary>
public static class CacheBenchmark
{
    public static void Run(TextWriter output, int repetitions)
    {
        string hypotheses = Path.Combine(RepositoryRoot(), "hypotheses");
        int files = Directory.GetFiles(hypotheses, "*.circuit", SearchOption.AllDirectories).Length;
        string cache = Path.Combine(Path.GetTempPath(), "circuitdsl-bench-results-" + Guid.NewGuid().ToString("N"));
        string? saved = Environment.GetEnvironmentVariable(CompileCache.DirectoryVariable);
        Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, cache);
        try
        {
            double first = Check(hypotheses, cache, expectReused: false, "--no-cache");
            var computed = new List<double>();
            var reused = new List<double>();
            for (int r = 0; r < repetitions; r++)
            {
                computed.Add(Check(hypotheses, cache, expectReused: false, "--no-cache"));
                reused.Add(Check(hypotheses, cache, expectReused: true));
            }

            output.WriteLine($"## Result cache (`check hypotheses`: {files} files, in-process, {repetitions} alternating runs, medians)");
            output.WriteLine();
            output.WriteLine("| run | s | s per file |");
            output.WriteLine("|---|---|---|");
            output.WriteLine($"| first in the process (Roslyn, libtorch, compile) | {Timing.F(first / 1000)} | {Timing.F(first / 1000 / files, "0.000")} |");
            output.WriteLine($"| computed (--no-cache; plans from the compile cache) | {Timing.F(Median(computed) / 1000)} | {Timing.F(Median(computed) / 1000 / files, "0.000")} |");
            output.WriteLine($"| nothing changed: every result reused | {Timing.F(Median(reused) / 1000)} | {Timing.F(Median(reused) / 1000 / files, "0.000")} |");
            output.WriteLine();
            HashCost(output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(CompileCache.DirectoryVariable, saved);
            if (Directory.Exists(cache)) Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>One `check` in-process; milliseconds. Throws unless it passed and reused exactly what was expected.</summary>
    static double Check(string hypotheses, string folder, bool expectReused, params string[] options)
    {
        string report = Path.Combine(folder, "report.json");
        var clock = Stopwatch.StartNew();
        int code = CircuitApp.Run(["check", "--no-progress", hypotheses, "--format", "json", "--out", report, .. options], TextWriter.Null, TextWriter.Null);
        double elapsed = clock.Elapsed.TotalMilliseconds;
        if (code != ExitCodes.Ok) throw new InvalidOperationException($"check exited {code}");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var flags = json.RootElement.GetProperty("files").EnumerateArray()
            .SelectMany(f => f.GetProperty("hypotheses").EnumerateArray()).Select(h => h.GetProperty("reused").GetBoolean()).ToList();
        if (flags.Count == 0 || flags.Any(f => f != expectReused))
            throw new InvalidOperationException($"expected every result {(expectReused ? "reused" : "computed")}, got {flags.Count(f => f)} of {flags.Count} reused");
        return elapsed;
    }

    /// <summary>A hit still hashes each model folder once: the zoo's folders, and SHA-256 throughput for larger ones.</summary>
    static void HashCost(TextWriter output)
    {
        output.WriteLine("| model folder hash (SHA-256 of config and weights, read from the page cache) | MB | ms |");
        output.WriteLine("|---|---|---|");
        foreach (string name in new[] { "attn-only-2l", "ioi-2l", "parens-3l" })
        {
            string folder = Zoo.ZooCatalog.ResolvePath("zoo:" + name);
            ReportBuilder.Sha256OfFolder(folder);
            var clock = Stopwatch.StartNew();
            ReportBuilder.Sha256OfFolder(folder);
            output.WriteLine($"| zoo:{name} | {Timing.F(Directory.GetFiles(folder).Sum(f => new FileInfo(f).Length) / 1e6, "0.0")} | {Timing.F(clock.Elapsed.TotalMilliseconds)} |");
        }
        var bytes = new byte[256 << 20];
        new Random(1).NextBytes(bytes);
        SHA256.HashData(bytes);
        var timer = Stopwatch.StartNew();
        SHA256.HashData(bytes);
        double ms = timer.Elapsed.TotalMilliseconds;
        output.WriteLine($"| 256 MiB in memory ({Timing.F(bytes.Length / 1e6 / (ms / 1000), "0")} MB/s; GPT-2 small's 548 MB would take about {Timing.F(548 / (bytes.Length / 1e6 / (ms / 1000)), "0.0")} s) | {Timing.F(bytes.Length / 1e6, "0")} | {Timing.F(ms, "0")} |");
        output.WriteLine();
    }

    static double Median(List<double> samples) => samples.Order().ElementAt(samples.Count / 2);

    static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "CircuitDsl.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("cannot find CircuitDsl.sln");
    }
}
