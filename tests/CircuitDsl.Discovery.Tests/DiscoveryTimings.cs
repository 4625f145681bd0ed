using System.Diagnostics;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Discovery.Tests;

/// <summary>Timings, not tests (run with --filter Category=Timing): each method on zoo:ioi-2l, and ACDC speculative against one edge at a time.</summary>
[Explicit, Category("Timing")]
public class DiscoveryTimings
{
    [Test]
    public void MethodsOnIoi2L()
    {
        using var zoo = ZooCatalog.Load("zoo:ioi-2l");
        var data = IoiData.Create(new IoiTask(), 64, 11, IoiCounterfactual.Abc);
        using var discovery = new EdgeDiscovery(zoo.Model, new DiscoverySettings(data, MetricSpec.LogitDiff(PositionSet.Named("END"))) { Counterfactual = CounterfactualSource.Paired });
        foreach (var (name, run) in new (string, Func<EdgeScores>)[]
        {
            ("exact", discovery.Exact), ("eap", discovery.Eap), ("eap-ig 5", () => discovery.EapIg(5)),
            ("acdc tau 0.05, one edge at a time", () => discovery.Acdc(0.05, speculate: 1)), ("acdc tau 0.05, speculative (16)", () => discovery.Acdc(0.05)),
        })
        {
            var watch = Stopwatch.StartNew();
            var scores = run();
            TestContext.Out.WriteLine($"{name}: {watch.ElapsedMilliseconds} ms{(scores.Kept is { } kept ? $", kept {kept.Count(k => k)} of {kept.Length}" : "")}");
        }
    }
}
