using CircuitDsl.Benchmarks;
using CircuitDsl.Runtime;

// Usage: dotnet run -c Release --project bench/CircuitDsl.Benchmarks [-- --repetitions N] [--interventions | --compiler]
int at = Array.IndexOf(args, "--repetitions");
int repetitions = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1]) : 20;
if (args.Contains("--compiler"))
{
    // Measured first, alone: "cold" means the first compile of a fresh process.
    CompilerBenchmark.Run(Console.Out, repetitions);
    return;
}
bool onlyInterventions = args.Contains("--interventions");
TorchNative.EnsureLoaded();
TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
Console.WriteLine($"# CircuitDsl benchmarks ({Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, {repetitions} repetitions, medians)");
Console.WriteLine();
if (!onlyInterventions) ForwardBenchmark.Run(Console.Out, repetitions);
InterventionBenchmark.Run(Console.Out, repetitions);
