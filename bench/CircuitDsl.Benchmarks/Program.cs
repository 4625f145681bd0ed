using CircuitDsl.Benchmarks;
using CircuitDsl.Runtime;

// Usage: dotnet run -c Release --project bench/CircuitDsl.Benchmarks [-- --repetitions N]
int repetitions = args.Length == 2 && args[0] == "--repetitions" ? int.Parse(args[1]) : 20;
TorchNative.EnsureLoaded();
TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
Console.WriteLine($"# CircuitDsl benchmarks ({Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, {repetitions} repetitions, medians)");
Console.WriteLine();
ForwardBenchmark.Run(Console.Out, repetitions);
