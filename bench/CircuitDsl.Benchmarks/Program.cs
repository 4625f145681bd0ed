using CircuitDsl.Benchmarks;
using CircuitDsl.Runtime;

// Usage: dotnet run -c Release --project bench/CircuitDsl.Benchmarks [-- --repetitions N] [--interventions | --patching | --memory | --compiler | --cache | --scrub]
// (--interventions is --patching and --memory; --memory-of N is the child process that --memory starts per N)
int at = Array.IndexOf(args, "--repetitions");
int repetitions = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : 20;
if (args.Contains("--compiler"))
{
    // Measured first, alone: "cold" means the first compile of a fresh process.
    CompilerBenchmark.Run(Console.Out, repetitions);
    return;
}
if (args.Contains("--cache")) { CacheBenchmark.Run(Console.Out, Math.Min(repetitions, 5)); return; } // 5e: each computed run takes ~20 s
TorchNative.EnsureLoaded();
TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
if (args.Contains("--scrub")) { ScrubBenchmark.Run(Console.Out, repetitions); return; }
int child = Array.IndexOf(args, MemoryBenchmark.ChildFlag);
if (child >= 0)
{
    MemoryBenchmark.Measure(Console.Out, int.Parse(args[child + 1], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
bool patching = args.Contains("--patching") || args.Contains("--interventions");
bool memory = args.Contains("--memory") || args.Contains("--interventions");
bool all = !patching && !memory;
Console.WriteLine($"# CircuitDsl benchmarks ({Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, {repetitions} repetitions, medians)");
Console.WriteLine();
if (all) ForwardBenchmark.Run(Console.Out, repetitions);
if (all || memory)
{
    MemoryBenchmark.Run(Console.Out);
    Console.WriteLine();
}
if (all || patching) InterventionBenchmark.Run(Console.Out, repetitions);
