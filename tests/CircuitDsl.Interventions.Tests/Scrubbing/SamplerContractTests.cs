using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Tests.Support;
using static CircuitDsl.Interventions.Tests.Support.Scrub;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>Anchors §6 A check 4: the sampler contract.</summary>
[TestFixture]
public class SamplerContractTests
{
    static readonly CausalVariable Parity = CausalVariable.Of("parity", x => x.Tokens[0] % 2);

    static ScrubTree Tree(ScrubHypothesis h)
    {
        using var model = ToyModels.Sum((0, 2), (1, 3), (2, 1));
        return Treeifier.Treeify(h, new ComponentHooks(model));
    }

    static ScrubHypothesis Chain() => new("chain", Root.Computing(CausalVariable.Of("sum", x => x.Tokens[0] + x.Tokens[1]))
        .From(Heads("A", 0).Computing(Input(0)).From(InterpretationNode.Of("tok", Component.Embed), agreeingOn: Parity))
        .From(Heads("B", 1).Computing(Input(1))));

    [Test]
    public void EverySampledDatumAgreesWithItsParentOnTheNodesVariable()
    {
        var (data, _) = ToyModels.Ints(300, 1, x => 0);
        var tree = Tree(Chain());
        var samples = ScrubSampler.Sample(tree, data, 7);
        foreach (var node in tree.Nodes)
            foreach (var child in node.Children.Where(c => c.Condition is not null))
                for (int i = 0; i < data.Count; i++)
                {
                    var parent = data.Datum(samples.DataOf(node)[i]);
                    var drawn = data.Datum(samples.DataOf(child)[i]);
                    var at = child.EdgePositions.Resolve(parent);
                    Assert.That(child.Condition!.Evaluate(drawn, at), Is.EqualTo(child.Condition.Evaluate(parent, at)), $"{child.Path}, reference {i}");
                }
        Assert.That(samples.ConditionalDraws, Is.EqualTo(4 * data.Count), "root, A, B and the embedding each drew once per reference");
    }

    [Test]
    public void DrawsAreUniformWithReplacementWithinTheClass()
    {
        // All 2,000 references share one class (x0 even); each of its members should be drawn about equally often.
        var (data, _) = ToyModels.Ints(2000, 2, x => 0, r => [2 * r.Next(5), r.Next(10), r.Next(10)]);
        var h = new ScrubHypothesis("u", Root.From(Heads("A", 0).Computing(Parity)));
        var tree = Tree(h);
        var drawn = ScrubSampler.Sample(tree, data, 3).DataOf(tree.Nodes[1]);
        var counts = drawn.GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(counts.Values.Max(), Is.GreaterThan(1), "with replacement: some member is drawn twice");
        double expected = 1.0; // 2,000 draws over 2,000 members
        double chiSquare = Enumerable.Range(0, data.Count).Sum(j => Math.Pow(counts.GetValueOrDefault(j) - expected, 2) / expected);
        // Chi-square with 1,999 degrees of freedom: mean 1,999, sd ≈ 63; 5 sd either side.
        Assert.That(chiSquare, Is.InRange(1999 - 5 * 63.2, 1999 + 5 * 63.2));
    }

    [Test]
    public void AnEmptyClassIsAnErrorNamingTheVariableAndTheValue()
    {
        var references = new[] { new Example([7, 1, 2, 0], source: "line 3") };
        var pool = Enumerable.Range(0, 20).Select(i => new Example([i % 5, 1, 2, 0])).ToArray();
        var data = new Dataset(references, pool);
        var tree = Tree(new ScrubHypothesis("e", Root.From(Heads("A", 0).Computing(Input(0)))));
        var error = Assert.Throws<EmptyClassException>(() => ScrubSampler.Sample(tree, data, 1));
        Assert.That(error!.Message, Does.Contain("x0 = 7").And.Contain("line 3").And.Contain("node 'A'"));
    }

    [Test]
    public void TheOtherInputsDatumIsDrawnOncePerNodeAndShared()
    {
        var (data, _) = ToyModels.Ints(50, 4, x => 0);
        var tree = Tree(Chain());
        var samples = ScrubSampler.Sample(tree, data, 5);
        var a = tree.Nodes.Single(n => n.Node.Name == "A");
        Assert.That(a.DrawsOtherInputs, Is.True);
        var shared = samples.UnmappedOf(a);
        Assert.That(samples.UnmappedOf(a), Is.SameAs(shared), "one draw per node copy, read by every unclaimed input (see ScrubbingInvariantTests for the model side)");
        Assert.That(samples.UnmappedOf(a), Is.Not.EqualTo(samples.UnmappedOf(tree.Root)), "each node draws its own");
    }

    [Test]
    public void AFixedSeedGivesIdenticalDraws()
    {
        var (data, _) = ToyModels.Ints(100, 6, x => 0);
        var tree = Tree(Chain());
        var first = ScrubSampler.Sample(tree, data, 11);
        var again = ScrubSampler.Sample(tree, data, 11);
        var other = ScrubSampler.Sample(tree, data, 12);
        foreach (var node in tree.Nodes)
        {
            Assert.That(again.DataOf(node), Is.EqualTo(first.DataOf(node)));
            Assert.That(again.UnmappedOf(node), Is.EqualTo(first.UnmappedOf(node)));
        }
        Assert.That(tree.Nodes.Any(n => !other.DataOf(n).SequenceEqual(first.DataOf(n))), Is.True);
    }
}
