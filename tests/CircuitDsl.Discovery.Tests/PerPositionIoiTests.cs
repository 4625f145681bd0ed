using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// Per-position edges on a model with MLPs and LayerNorm (zoo:ioi-2l at END, S2, IO and the rest): EAP and EAP-IG
/// split each edge's score exactly over the buckets, and an edge at the metric's position into the logits carries
/// the whole edge (the logits read nowhere else).
/// </summary>
public class PerPositionIoiTests
{
    [Test]
    public void AttributionSplitsExactlyOverThePositions()
    {
        using var zoo = ZooCatalog.Load("zoo:ioi-2l");
        var data = IoiData.Create(new IoiTask(), 24, 11, IoiCounterfactual.Abc);
        var settings = new DiscoverySettings(data, MetricSpec.LogitDiff(PositionSet.Named("END")))
        {
            Counterfactual = Interventions.Plan.CounterfactualSource.Paired, BatchSize = 24,
        };
        using var plain = new EdgeDiscovery(zoo.Model, settings);
        using var positioned = new EdgeDiscovery(zoo.Model, settings with { Positions = EdgePositions.Of(["END", "S2", "IO"]) });
        foreach (var (all, split) in new[] { (plain.Eap(), positioned.Eap()), (plain.EapIg(3), positioned.EapIg(3)) })
        {
            double largest = all.Scores.Max(Math.Abs);
            foreach (var edge in plain.Graph.Edges)
            {
                var buckets = positioned.Graph.IndicesOf(edge.Sender, edge.Receiver).Select(i => split.Scores[i]).ToArray();
                Assert.That(buckets.Sum(), Is.EqualTo(all[edge]).Within(1e-5 * largest), edge.ToString());
                if (edge.Receiver == Component.Logits)
                    Assert.That(buckets[1..], Has.All.EqualTo(0), $"{edge}: the logits are read at END only");
            }
        }

        // A circuit run (upstream edges ablated too, each sender's write in the run itself) with every bucket of an
        // edge ablated is the plain graph's run with that edge ablated.
        var ablated = plain.Graph.Edges.Where((_, i) => i % 3 == 0).ToArray();
        var kept = plain.Graph.Edges.Except(ablated).ToArray();
        var keptEverywhere = kept.SelectMany(e => positioned.Graph.IndicesOf(e.Sender, e.Receiver)).Select(i => positioned.Graph.Edges[i]);
        Assert.That(positioned.CircuitMetric(keptEverywhere), Is.EqualTo(plain.CircuitMetric(kept)).Within(1e-4));
    }
}
