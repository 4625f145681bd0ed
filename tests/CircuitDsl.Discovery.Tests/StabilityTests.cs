using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// Selection frequencies over bootstrap resamples: deterministic for a seed, 1 for a circuit known by construction,
/// and on the shipped induction model spread between 0 and 1 near the cut, where the least frequency filters.
/// </summary>
public class StabilityTests
{
    [Test]
    public void ResamplesAreBootstrapDrawsFixedByTheSeed()
    {
        var data = HandSetCircuit.Data(40, 3);
        var first = Stability.Resample(data, 7, 0);
        Assert.That(first.Count, Is.EqualTo(40));
        Assert.That(first.Examples.All(data.Examples.Contains));
        Assert.That(first.Examples.Distinct().Count(), Is.LessThan(40), "drawn with replacement");
        Assert.That(Stability.Resample(data, 7, 0).Examples, Is.EqualTo(first.Examples));
        Assert.That(Stability.Resample(data, 7, 1).Examples, Is.Not.EqualTo(first.Examples));
        Assert.That(Stability.Resample(data, 8, 0).Examples, Is.Not.EqualTo(first.Examples));
    }

    [TestCase(DiscoveryMethod.Eap, false)]
    [TestCase(DiscoveryMethod.Exact, true)]
    public void TheHandSetCircuitIsSelectedInEveryResample(DiscoveryMethod method, bool perPosition)
    {
        using var model = HandSetCircuit.Create();
        var data = perPosition ? HandSetPositions.Data(32, 3) : HandSetCircuit.Data(32, 3);
        var settings = new DiscoverySettings(data, MetricSpec.Loss(PositionSet.Named("repeated")))
        {
            Seed = 1, Method = method, Positions = perPosition ? HandSetPositions.Positions : null,
        };
        var circuit = perPosition ? HandSetPositions.Circuit : HandSetCircuit.Circuit;
        var frequencies = Stability.Run(model, settings, 4, s => s.AtLeast(1e-6));
        Assert.That(frequencies.AtLeast(1), Is.EquivalentTo(circuit));
        Assert.That(frequencies.Graph.Edges.Except(circuit).Select(e => frequencies[e]), Has.All.EqualTo(0));
    }

    [Test]
    public void OnTheZooModelTheSameSeedGivesTheSameFrequenciesAndTheLeastFrequencyFilters()
    {
        using var zoo = ZooCatalog.Load("zoo:attn-only-2l");
        var settings = new DiscoverySettings(RepeatedTokensData.Create(new RepeatedTokensTask(), 32, 5), MetricSpec.Loss(PositionSet.Named("repeated")))
        {
            Seed = 5, Method = DiscoveryMethod.Eap,
        };
        var frequencies = Stability.Run(zoo.Model, settings, 6, s => s.Top(8));
        var again = Stability.Run(zoo.Model, settings, 6, s => s.Top(8));
        TestContext.Out.WriteLine(string.Join("\n", frequencies.Graph.Edges.Select((e, i) => (e, f: frequencies.Frequency(i))).Where(p => p.f > 0).Select(p => $"{p.e}: {p.f:G3}")));
        Assert.That(again.Selected, Is.EqualTo(frequencies.Selected));
        Assert.That(frequencies.Selected.Sum(), Is.EqualTo(6 * 8));
        var partly = frequencies.Graph.Edges.Where((_, i) => frequencies.Selected[i] is > 0 and < 6).ToArray();
        Assert.That(partly, Is.Not.Empty, "some edges near the cut move in and out across resamples");
        foreach (double f in new[] { 1.0 / 6, 0.5, 1 })
            Assert.That(frequencies.AtLeast(f), Is.EqualTo(frequencies.Graph.Edges.Where((_, i) => frequencies.Selected[i] >= f * 6 - 1e-9)));
        Assert.That(frequencies.AtLeast(1).Count, Is.LessThan(frequencies.AtLeast(1.0 / 6).Count));
        var otherSeed = Stability.Run(zoo.Model, settings with { Seed = 6 }, 6, s => s.Top(8));
        Assert.That(otherSeed.Selected, Is.Not.EqualTo(frequencies.Selected), "another seed, other resamples");
    }
}
