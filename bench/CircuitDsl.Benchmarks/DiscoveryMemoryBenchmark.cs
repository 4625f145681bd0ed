using System.Diagnostics;
using System.Globalization;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Benchmarks;

/// <summary>
/// Issue 15 part 8 (d) and the memory estimate: peak resident memory of EAP and exact patching on the GPT-2-small shape
/// cut to 2, 4, 8 and 12 layers (edges growing ~quadratically, the forward's activations linearly), and the estimate
/// `circuit discover` refuses with against the measured peak on zoo:ioi-2l. Each case runs in a fresh process, so its
/// peak (VmHWM, reset once the model and data are loaded) is its own.
/// </summary>
public static class DiscoveryMemoryBenchmark
{
    public const string ChildFlag = "--discovery-memory-of";

    /// <summary>The stack bound `circuit discover` gives exact patching (DiscoverySession), used here alike.</summary>
    const long ExactStackBytes = 2L << 30;

    public static void Run(TextWriter output)
    {
        output.WriteLine("### (d) Peak memory against the number of edges (each case in a fresh process; 4 × 16 tokens, logit_diff at the last position)");
        output.WriteLine();
        output.WriteLine("Measured: peak resident MiB during the run above what the process held with the model and caches' inputs loaded. GPT-2 shapes: EAP whole; exact patching its first two stacked forwards (every 8th edge, receivers in the first layers, so each runs every layer; each stack bounded by the 2 GiB discover gives it). zoo:ioi-2l (64 examples): the method and then the faithfulness curve, as `circuit discover` runs them, against MemoryEstimate's estimate (what discover refuses with).");
        output.WriteLine();
        output.WriteLine("| model | layers | edges | method | method peak MiB | method peak per layer | with the curve MiB | estimate MiB | measured / estimate |");
        output.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (string method in new[] { "eap", "exact" })
            foreach (int layers in new[] { 2, 4, 8, 12 })
                output.WriteLine(InChildProcess($"gpt2:{layers}", method));
        foreach (string method in new[] { "eap", "exact", "acdc" })
            output.WriteLine(InChildProcess("zoo:ioi-2l", method));
        output.WriteLine();
    }

    /// <summary>The child's part: one method on one model, printed as a table row.</summary>
    public static void Measure(TextWriter output, string model, string method)
    {
        HookedTransformer transformer;
        LoadedModel? loaded = null;
        DiscoverySettings settings;
        if (model.StartsWith("gpt2:", StringComparison.Ordinal))
        {
            int layers = int.Parse(model["gpt2:".Length..], CultureInfo.InvariantCulture);
            transformer = new HookedTransformer(SparseBenchmark.Gpt2Small with { Layers = layers, Name = $"gpt2-small-shaped, {layers} layers" });
            transformer.InitializeWeights(1);
            settings = new DiscoverySettings(DiscoveryBenchmark.RandomPairs(transformer.Config, 4, 16, 3), MetricSpec.LogitDiff(PositionSet.At(-1))) { Counterfactual = CounterfactualSource.Paired, BatchSize = 4 };
        }
        else
        {
            loaded = ZooCatalog.Load(model);
            transformer = loaded.Model;
            settings = new DiscoverySettings(IoiData.Create(new IoiTask(), 64, 11, IoiCounterfactual.Abc), MetricSpec.LogitDiff(PositionSet.Named("END"))) { Counterfactual = CounterfactualSource.Paired };
        }
        var kind = method switch { "eap" => DiscoveryMethod.Eap, "exact" => DiscoveryMethod.Exact, _ => DiscoveryMethod.Acdc };
        settings = settings with { Method = kind, MaxRows = Math.Min(settings.MaxRows, MemoryEstimate.RowsWithin(transformer.Config, settings.Data.Length, ExactStackBytes)) };
        var graph = CircuitDsl.Discovery.Graph.EdgeGraph.For(transformer.Config);
        var estimate = MemoryEstimate.For(transformer.Config, graph, settings);
        // A forward first: the native library's thread pools and buffers are the process's, not the run's.
        using (var warm = TokenBatch.Of(settings.Data, TokenBatch.Range(0, Math.Min(settings.BatchSize, settings.Data.Count))))
            transformer.Forward(warm).Dispose();
        GC.Collect();
        long before = MemoryBenchmark.ResidentBytes("VmRSS");
        MemoryBenchmark.ResetPeak();
        using (var discovery = new EdgeDiscovery(transformer, settings))
        {
            EdgeScores scores;
            if (kind == DiscoveryMethod.Exact && loaded is null)
            {
                int perStack = Math.Max(1, (settings.MaxRows / settings.BatchSize) - 1);
                scores = discovery.Exact([.. Enumerable.Range(0, 2 * perStack).Select(i => i * 8 % graph.Count)]);
                scores = scores with { Scores = [.. scores.Scores.Select(s => double.IsNaN(s) ? 0 : s)] };
            }
            else scores = discovery.Run();
            long methodPeak = MemoryBenchmark.ResidentBytes("VmHWM");
            if (loaded is not null) FaithfulnessCurve.Of(discovery, scores); // the estimate's check: the whole of what discover runs
            long peak = MemoryBenchmark.ResidentBytes("VmHWM");
            double Mib(long bytes) => bytes / 1048576.0;
            int layersOf = transformer.Config.Layers;
            output.WriteLine($"| {transformer.Config.Name} | {layersOf} | {graph.Count:N0} | {method} | {Timing.F(Mib(methodPeak - before), "0")} | {Timing.F(Mib(methodPeak - before) / layersOf, "0")} | " +
                             (loaded is null ? "– | – | – |" : $"{Timing.F(Mib(peak - before), "0")} | {Timing.F(Mib(estimate.TotalBytes), "0")} | {Timing.F((peak - before) / (double)estimate.TotalBytes, "0.00")} |"));
        }
        loaded?.Dispose();
    }

    static string InChildProcess(string model, string method)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(DiscoveryMemoryBenchmark).Assembly.Location);
        start.ArgumentList.Add(ChildFlag);
        start.ArgumentList.Add(model);
        start.ArgumentList.Add(method);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        string row = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        return child.ExitCode == 0 ? row : $"| {model} | | | {method} | failed (exit code {child.ExitCode}) | | | | |";
    }
}
