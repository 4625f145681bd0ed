using CircuitDsl.Benchmarks;
using CircuitDsl.Runtime;

// Usage: dotnet run -c Release --project bench/CircuitDsl.Benchmarks [-- --repetitions N] [--gpt2-repetitions N] [--skip-loop] [--interventions | --patching | --sparse | --zoo-paths | --fixed-cost | --memory | --compiler | --cache | --scrub | --llama [--llama-batches 1,4] [--llama-dir DIR] | --discovery [--eap-only] [--no-memory] [--threads N]]
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
int llamaChild = Array.FindIndex(args, a => a is LlamaBenchmark.LoadFlag or LlamaBenchmark.ForwardFlag or LlamaBenchmark.Bf16Flag);
// --llama-probe DIR keep|widen: where the first forward's peak memory comes from (LlamaProbe.cs)
if (args.Contains("--llama-probe")) { LlamaProbe.Run(args[^2], args[^1] == "keep"); return; }
if (llamaChild >= 0) { LlamaBenchmark.RunChild(Console.Out, args, llamaChild); return; }
if (args.Contains("--llama"))
{
    // Issue 14 part 7: each forward of a 1B model takes seconds here, so few repetitions (default 3).
    int batchesAt = Array.IndexOf(args, "--llama-batches"), dirAt = Array.IndexOf(args, "--llama-dir");
    int[] batches = batchesAt >= 0 ? [.. args[batchesAt + 1].Split(',').Select(int.Parse)] : [1];
    LlamaBenchmark.Run(Console.Out, at >= 0 ? repetitions : 3, batches, dirAt >= 0 ? args[dirAt + 1] : null);
    return;
}
int discoveryChild = Array.IndexOf(args, DiscoveryMemoryBenchmark.ChildFlag);
if (discoveryChild >= 0) { DiscoveryMemoryBenchmark.Measure(Console.Out, args[discoveryChild + 1], args[discoveryChild + 2]); return; }
if (args.Contains("--discovery"))
{
    // Issue 15 part 8: zoo models at --repetitions (at most 5; default 5), the GPT-2 shape at --gpt2-repetitions (default 3).
    int gpt2At = Array.IndexOf(args, "--gpt2-repetitions"), threadsAt = Array.IndexOf(args, "--threads");
    // --threads 1 on a machine shared with other loads: a parallel op's barrier then waits for no descheduled thread.
    if (threadsAt >= 0) TorchSharp.torch.set_num_threads(int.Parse(args[threadsAt + 1]));
    Console.WriteLine($"# CircuitDsl discovery benchmark ({Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, medians)");
    Console.WriteLine();
    if (args.Contains("--eap-only"))
    {
        // EAP alone is short, so any repetition count is taken
        DiscoveryBenchmark.RunEap(Console.Out, at >= 0 ? repetitions : 5, gpt2At >= 0 ? int.Parse(args[gpt2At + 1]) : 3);
        return;
    }
    DiscoveryBenchmark.Run(Console.Out, at >= 0 ? Math.Min(repetitions, 5) : 5, gpt2At >= 0 ? int.Parse(args[gpt2At + 1]) : 3);
    if (!args.Contains("--no-memory")) DiscoveryMemoryBenchmark.Run(Console.Out);
    return;
}
int child = Array.IndexOf(args, MemoryBenchmark.ChildFlag);
if (child >= 0)
{
    MemoryBenchmark.Measure(Console.Out, int.Parse(args[child + 1], System.Globalization.CultureInfo.InvariantCulture));
    return;
}
if (args.Contains("--zoo-paths"))
{
    SparseBenchmark.RunZooPaths(Console.Out, repetitions);
    return;
}
if (args.Contains("--fixed-cost"))
{
    SparseBenchmark.RunFixedCost(Console.Out, repetitions);
    return;
}
bool sparse = args.Contains("--sparse");
int large = Array.IndexOf(args, "--gpt2-repetitions"); // the GPT-2-sized sweeps take minutes per repetition
if (large >= 0 && large + 1 < args.Length) SparseBenchmark.Gpt2Repetitions = int.Parse(args[large + 1]);
SparseBenchmark.SkipLoop = args.Contains("--skip-loop");
bool patching = args.Contains("--patching") || args.Contains("--interventions");
bool memory = args.Contains("--memory") || args.Contains("--interventions");
bool all = !patching && !memory && !sparse;
Console.WriteLine($"# CircuitDsl benchmarks ({Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, {repetitions} repetitions, medians)");
Console.WriteLine();
if (all) ForwardBenchmark.Run(Console.Out, repetitions);
if (all || memory)
{
    MemoryBenchmark.Run(Console.Out);
    Console.WriteLine();
}
if (all || patching) InterventionBenchmark.Run(Console.Out, repetitions);
if (all || sparse) SparseBenchmark.Run(Console.Out, repetitions);
