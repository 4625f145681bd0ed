using System.Diagnostics;
using System.Globalization;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 5's memory claim: peak resident memory of one experiment (zoo model; model check, a causal-scrubbing check,
/// a 4-head path sweep into the logits; batch 64) at several N. Each N runs in a fresh process, so that its peak
/// (VmHWM) is its own and not what the allocators kept from a smaller run before it.
/// </summary>
public static class MemoryBenchmark
{
    public const string ChildFlag = "--memory-of";
    static readonly int[] Sizes = [256, 4096, 16384];

    public static void Run(TextWriter output)
    {
        output.WriteLine("## Peak memory of one experiment (zoo:attn-only-2l; model check, a causal-scrubbing check, a 4-head path sweep into the logits; batch 64; each N in a fresh process)");
        output.WriteLine();
        output.WriteLine("| N | seconds | peak resident MB during the run | resident MB before (model and data loaded) |");
        output.WriteLine("|---|---|---|---|");
        foreach (int n in Sizes) output.WriteLine(InChildProcess(n));
    }

    /// <summary>The child process's part: one experiment at <paramref name="n"/>, printed as a table row.</summary>
    public static void Measure(TextWriter output, int n)
    {
        using var zoo = ZooCatalog.Load("zoo:attn-only-2l");
        var plan = Plan(n);
        GC.Collect();
        long before = ResidentBytes("VmRSS");
        ResetPeak();
        var clock = Stopwatch.StartNew();
        new ExperimentRunner(zoo.Model).Run(plan);
        double seconds = clock.Elapsed.TotalSeconds;
        long peak = ResidentBytes("VmHWM");
        output.WriteLine($"| {n:N0} | {Timing.F(seconds, "0.0")} | {Timing.F(peak / 1048576.0, "0")} | {Timing.F(before / 1048576.0, "0")} |");
    }

    static ExperimentPlan Plan(int n)
    {
        var data = RepeatedTokensData.Create(new RepeatedTokensTask(), n, 21);
        var token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
        var induction = InterpretationNode.Of("induction", Component.Head(1, 0), Component.Head(1, 1))
            .From(InterpretationNode.Of("embed", Component.Embed), Channel.Value, token)
            .From(InterpretationNode.Of("prev", Component.Head(0, 0)), Channel.Key);
        var hypothesis = new ScrubHypothesis("h", InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction));
        return new ExperimentPlan("memory", data, MetricSpec.Loss(PositionSet.Named("repeated")),
        [
            new ModelCheck("model"),
            new ScrubCheck("scrub", hypothesis, ScrubBaseline.ResampleInputsOf(Component.Head(1, 0), Component.Head(1, 1))),
            new PathSweepCheck("sweep", [.. Enumerable.Range(0, 4).Select(i => PatchEndpoint.At(Component.Head(i / 2, i % 2)))], PathPatchSpec.Of([], PatchEndpoint.At(Component.Logits))),
        ]);
    }

    static string InChildProcess(int n)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(MemoryBenchmark).Assembly.Location);
        start.ArgumentList.Add(ChildFlag);
        start.ArgumentList.Add(n.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        string row = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return child.ExitCode == 0 ? row : throw new InvalidOperationException($"the run at N = {n} failed (exit code {child.ExitCode})");
    }

    // Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) of this process.
    internal static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    internal static long ResidentBytes(string field)
    {
        if (!File.Exists("/proc/self/status")) return Process.GetCurrentProcess().PeakWorkingSet64;
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        // "VmHWM:\t  123456 kB": the value may follow the tab directly, so split on both.
        return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
