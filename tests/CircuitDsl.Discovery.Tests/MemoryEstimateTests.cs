using System.Globalization;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// The estimate `circuit discover` refuses with: how it grows, the count it suggests, and against the peak resident
/// memory measured on zoo:ioi-2l (Linux only: the peak is /proc's VmHWM, reset before the run).
/// </summary>
[NonParallelizable]
public class MemoryEstimateTests
{
    static DiscoverySettings Ioi(int count, DiscoveryMethod method) =>
        new(IoiData.Create(new IoiTask(), count, 11, IoiCounterfactual.Abc), MetricSpec.LogitDiff(PositionSet.Named("END")))
            { Counterfactual = CounterfactualSource.Paired, Method = method };

    [Test]
    public void TheEstimateGrowsWithTheDataAndTheSuggestedCountIsTheLargestThatFits()
    {
        using var zoo = ZooCatalog.Load("zoo:ioi-2l");
        var config = zoo.Model.Config;
        var graph = EdgeGraph.For(config);
        foreach (var method in new[] { DiscoveryMethod.Exact, DiscoveryMethod.Eap, DiscoveryMethod.EapIg, DiscoveryMethod.Acdc })
        {
            var small = MemoryEstimate.For(config, graph, Ioi(16, method));
            var large = MemoryEstimate.For(config, graph, Ioi(256, method));
            Assert.That(large.CacheBytes, Is.EqualTo(16 * small.CacheBytes), "the caches are per example");
            Assert.That(large.TotalBytes, Is.GreaterThan(small.TotalBytes));
            long limit = (small.TotalBytes + large.TotalBytes) / 2;
            int fits = MemoryEstimate.ExamplesWithin(config, graph, Ioi(256, method), limit);
            Assert.That(fits, Is.InRange(16, 255));
            Assert.That(MemoryEstimate.For(config, graph, Ioi(fits, method)).TotalBytes, Is.LessThanOrEqualTo(limit));
            Assert.That(MemoryEstimate.For(config, graph, Ioi(fits + 1, method)).TotalBytes, Is.GreaterThan(limit));
        }
        Assert.That(MemoryEstimate.ExamplesWithin(config, graph, Ioi(16, DiscoveryMethod.Eap), 1), Is.Zero);
        Assert.That(MemoryEstimate.For(config, graph, Ioi(64, DiscoveryMethod.Acdc), speculative: true).ForwardRows, Is.EqualTo(16 * 64));
    }

    [Test]
    public void ExactsStackIsBoundedByTheModelAndTheDataLength()
    {
        var gpt2 = new Runtime.Model.ModelConfig
        {
            Name = "gpt2-small-shaped", Layers = 12, Heads = 12, DModel = 768, DHead = 64, DMlp = 3072, VocabSize = 50257, ContextLength = 1024, TiedUnembedding = true,
        };
        int rows16 = MemoryEstimate.RowsWithin(gpt2, 16, 2L << 30), rows64 = MemoryEstimate.RowsWithin(gpt2, 64, 2L << 30);
        Assert.That(rows16, Is.InRange(2, 1023));
        Assert.That(rows64, Is.LessThan(rows16));
        Assert.That(MemoryEstimate.RowsWithin(gpt2, 1024, 1), Is.EqualTo(1), "at least one row");
    }

    [Test]
    public void AVariableSetsTheLimit()
    {
        const string name = "CIRCUIT_TEST_DISCOVER_MEMORY_MB";
        try
        {
            Environment.SetEnvironmentVariable(name, "12");
            Assert.That(MemoryEstimate.Available(name), Is.EqualTo((12L << 20, name)));
            Environment.SetEnvironmentVariable(name, "-3");
            Assert.That(() => MemoryEstimate.Available(name), Throws.ArgumentException.With.Message.Contains(name));
            Environment.SetEnvironmentVariable(name, null);
            Assert.That(MemoryEstimate.Available(name).Bytes, Is.GreaterThan(0));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    /// <summary>
    /// Exact patching and then the faithfulness curve, as `circuit discover` runs them: the peak above what the process
    /// held before lies between a quarter of the estimate and the estimate (measured: about 0.5-0.9 of it; the
    /// estimate errs high on purpose). Memory the process freed earlier is trimmed first, or its reuse would hide.
    /// </summary>
    [Test]
    public void TheEstimateBoundsTheMeasuredPeak()
    {
        Assume.That(File.Exists("/proc/self/clear_refs"), "the peak is read from /proc (Linux)");
        using var zoo = ZooCatalog.Load("zoo:ioi-2l");
        var settings = Ioi(32, DiscoveryMethod.Exact) with { MaxRows = 512 };
        var estimate = MemoryEstimate.For(zoo.Model.Config, EdgeGraph.For(zoo.Model.Config), settings);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Memory earlier tests freed but the C allocator kept would be reused unseen: hand it back to the system first.
        MallocTrim(0);
        long before = Status("VmRSS");
        File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident size
        using (var discovery = new EdgeDiscovery(zoo.Model, settings))
            FaithfulnessCurve.Of(discovery, discovery.Exact());
        long peak = Status("VmHWM") - before;
        TestContext.Out.WriteLine($"measured {peak >> 20} MiB, estimated {estimate.TotalBytes >> 20} MiB ({estimate.Describe()})");
        Assert.That(peak, Is.LessThanOrEqualTo(estimate.TotalBytes));
        Assert.That(peak, Is.GreaterThan(estimate.TotalBytes / 4));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    static long Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
