using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>
/// Per-position resampling: one source per node copy and position. The sampler's draws agree with the reader's
/// world at each position (q, MLP, logits inputs) or at every key up to each query (k, v inputs); the identity
/// hypothesis recovers exactly 1; the per-query batching equals the literal computation; a variable that is
/// constant per example gives the per-example number in expectation; a seed fixes everything.
/// </summary>
[TestFixture]
public class PerPositionResamplingTests
{
    static readonly ModelConfig[] Architectures = RandomModels.Scrubbable;
    static readonly CausalVariable Token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
    static readonly CausalVariable PrevToken = CausalVariable.Of("prev_token", x => x.Tokens[x.Pos - 1]);
    static readonly CausalVariable NextToken = CausalVariable.Of("next_token", x => x.Tokens[x.Pos + 1]);
    static readonly CausalVariable FirstParity = CausalVariable.Of("first_parity", x => x.Tokens[0] % 2);

    static InterpretationNode Embed(string name) => InterpretationNode.Of(name, Component.Embed);

    /// <summary>Induction's shape on a random model: L1.H0 reads its q and v from the tokens, its k from L0.H0.</summary>
    static ScrubHypothesis Induction(ResamplingGranularity resampling = ResamplingGranularity.PerPosition)
    {
        var prev = InterpretationNode.Of("prev", Component.Head(0, 0)).Computing(PrevToken).From(Embed("embed→prev"), agreeingOn: PrevToken);
        var induction = InterpretationNode.Of("induction", Component.Head(1, 0)).Computing(NextToken)
            .From(Embed("embed→q"), Channel.Query, Token)
            .From(prev, Channel.Key)
            .From(Embed("embed→v"), Channel.Value, Token);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction);
        return new ScrubHypothesis("induction-shaped", root) { Resampling = resampling };
    }

    static ScrubTree Tree(HookedTransformer model, ScrubHypothesis h) => Treeifier.Treeify(h, new ComponentHooks(model));

    [Test]
    public void AHeadsWholeInputIsCopiedOncePerChannel()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var perPosition = Tree(model, Induction());
        var perExample = Tree(model, Induction(ResamplingGranularity.PerExample));
        Assert.That(perPosition.Nodes.Where(n => n.Node.Name == "embed→prev").Select(n => n.Via),
            Is.EquivalentTo(new[] { Channel.Query, Channel.Key, Channel.Value }));
        Assert.That(perExample.Nodes.Single(n => n.Node.Name == "embed→prev").Via, Is.EqualTo(Channel.Output));
    }

    [Test]
    public void ANodeOfHeadsAndAnMlpReadingAWholeInputIsRefused()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var mixed = InterpretationNode.Of("mixed", Component.Head(1, 0), Component.Mlp(1)).From(Embed("embed"), agreeingOn: Token);
        var h = new ScrubHypothesis("mixed", InterpretationNode.Of("out", Component.Logits).From(mixed)) { Resampling = ResamplingGranularity.PerPosition };
        Assert.That(() => Tree(model, h), Throws.TypeOf<HypothesisException>().With.Message.Contains("q, k and v"));
    }

    [Test]
    public void SourcesAgreeWithTheReadersWorldAtEachPositionOrAtEveryKeyUpToEachQuery()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 120, 4);
        int length = data.Length;
        var tree = Tree(model, Induction());
        var samples = PositionSampler.Sample(tree, data, 5);
        int resampled = 0;
        foreach (var node in tree.Nodes)
            foreach (var child in node.Children.Where(c => c.Condition is not null))
            {
                var parent = samples.Of(node);
                var drawn = samples.Of(child);
                var v = child.Condition!;
                int parentRows = parent.Worlds.Length / length;
                if (!child.ReadAcrossPositions)
                {
                    Assert.That(drawn.Worlds, Has.Length.EqualTo(parent.Worlds.Length), child.Path);
                    for (int r = 0; r < parentRows; r++)
                        for (int p = 0; p < length; p++)
                        {
                            Assert.That(v.Evaluate(data.Datum(drawn.World(r, p)), p), Is.EqualTo(v.Evaluate(data.Datum(parent.World(r, p)), p)), $"{child.Path}, row {r}, position {p}");
                            if (drawn.World(r, p) != parent.World(r, p)) resampled++;
                        }
                    continue;
                }
                int fan = parent.Varying ? length : 1;
                Assert.That(drawn.Worlds, Has.Length.EqualTo(parent.Worlds.Length * fan), child.Path);
                for (int r = 0; r < parentRows; r++)
                    for (int q = 0; q < fan; q++)
                    {
                        int row = r * fan + q, source = drawn.World(row, 0);
                        var world = data.Datum(parent.World(r, q));
                        for (int j = 0; j < length; j++)
                        {
                            Assert.That(drawn.World(row, j), Is.EqualTo(source), "a key or value read shows each query one world");
                            if (!parent.Varying || j <= q)
                                Assert.That(v.Evaluate(data.Datum(source), j), Is.EqualTo(v.Evaluate(world, j)), $"{child.Path}, row {r}, query {q}, key {j}");
                        }
                    }
            }
        Assert.That(samples.Of(tree.Nodes.Single(n => n.Node.Name == "induction")).Varying, Is.True, "the induction copy's sources vary by position");
        Assert.That(resampled, Is.GreaterThan(0), "some positions took another example");
    }

    static ExperimentResult Run(ModelConfig config, int count, params Check[] checks)
    {
        using var model = RandomModels.Create(config);
        var plan = new ExperimentPlan("per position", RandomModels.Data(config, count, 5), MetricSpec.Loss(), [.. checks]) { Seed = 9, BatchSize = 10 };
        return new ExperimentRunner(model).Run(plan);
    }

    [TestCaseSource(nameof(Architectures))]
    public void TheModelsOwnHypothesisRecoversExactly1(ModelConfig config)
    {
        // Every component mapped, every edge exact (the whole prompt identifies an example among random prompts).
        var prompt = CausalVariable.Of("prompt", x => string.Join(",", x.Tokens));
        var exact = Induction() with { Name = "exact" };
        var identifying = ScrubbingWith(prompt);
        var result = Run(config, 24,
            new ScrubCheck("exact", exact with { Root = WithoutConditions(exact.Root) }, ScrubBaseline.ResampleInputsOf(Component.Head(1, 0))),
            new ScrubCheck("identifying", identifying, ScrubBaseline.ResampleInputsOf(Component.Head(1, 0))));
        foreach (var check in result.Checks)
        {
            Assert.That(check[Statistic.Recovers].Value, Is.EqualTo(1.0), check.Name);
            Assert.That(check[Statistic.Metric].Value, Is.EqualTo(check[Statistic.Model].Value), check.Name);
        }
    }

    static InterpretationNode WithoutConditions(InterpretationNode node) => node with
    {
        Computes = null,
        Unmapped = UnmappedInputs.Keep,
        Inputs = [.. node.Inputs.Select(i => i with { AgreeingOn = null, Source = WithoutConditions(i.Source) })],
    };

    /// <summary>The induction shape with every condition replaced by <paramref name="variable"/>.</summary>
    static ScrubHypothesis ScrubbingWith(CausalVariable variable, UnmappedInputs unmapped = UnmappedInputs.Keep,
        ResamplingGranularity resampling = ResamplingGranularity.PerPosition)
    {
        var prev = InterpretationNode.Of("prev", Component.Head(0, 0)).Computing(variable).From(Embed("embed→prev"), agreeingOn: variable).WithUnmapped(unmapped);
        var induction = InterpretationNode.Of("induction", Component.Head(1, 0)).Computing(variable).WithUnmapped(unmapped)
            .From(Embed("embed→q"), Channel.Query, variable)
            .From(prev, Channel.Key)
            .From(Embed("embed→v"), Channel.Value, variable);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction);
        return new ScrubHypothesis($"{variable.Name} {resampling}", root) { Resampling = resampling };
    }

    [TestCaseSource(nameof(Architectures))]
    public void RunningAHeadOncePerQueryPositionEqualsTheLiteralComputation(ModelConfig config)
    {
        // L1.H0 at p runs wholly in the world drawn for p (it keeps its inputs, which read exactly that world), so
        // the scrubbed final stream at p is the reference's plus L1.H0's clean output on that world minus its own.
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 12, 6);
        var hooks = new ComponentHooks(model);
        var head = InterpretationNode.Of("head", Component.Head(1, 0)).WithUnmapped(UnmappedInputs.Keep)
            .From(Embed("embed")).From(InterpretationNode.Of("layer0", Component.Head(0, 0), Component.Head(0, 1)));
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(head, agreeingOn: Token);
        var tree = Treeifier.Treeify(new ScrubHypothesis("head per position", root) { Resampling = ResamplingGranularity.PerPosition }, hooks);
        var samples = PositionSampler.Sample(tree, data, 2);
        var worlds = samples.Of(tree.Nodes.Single(n => n.Node.Name == "head"));
        Assume.That(worlds.Worlds.Where((w, j) => w != j / data.Length).Count(), Is.GreaterThan(0), "some position took another example");

        using var runs = new RunCache(model, hooks.StandardHooks());
        using var scope = NewDisposeScope();
        var scrubbed = new PositionScrubEvaluator(hooks, data, runs, data.Count).Logits(tree, samples, 0, data.Count);
        var clean = runs.Get(data, TokenBatch.Range(0, data.Count));
        var output = hooks.ReadOutput(clean.Cache, Component.Head(1, 0));
        var stream = clean.Cache[hooks.ReadHook(Component.Logits)].clone();
        for (int i = 0; i < data.Count; i++)
            for (int p = 0; p < data.Length; p++)
                stream[i, p] += output[worlds.World(i, p), p] - output[i, p];
        var literal = model.ForwardFrom(config.Layers, stream);
        Assert.That(RandomModels.MaxRelativeError(scrubbed, literal), Is.LessThan(1e-5));
        Assert.That(RandomModels.Same(scrubbed, clean.Logits), Is.False, "the draws changed the logits");
    }

    /// <summary>
    /// Heads reading a variable through q, k and v, with nothing conditioned below a key or value read: then the
    /// output at a position depends on one draw per node copy either way, and only how draws are shared between
    /// positions differs.
    /// </summary>
    internal static ScrubHypothesis OneDrawPerCopy(CausalVariable variable, Component[] heads, Component keySource, ResamplingGranularity resampling)
    {
        var reader = InterpretationNode.Of("reader", heads).Computing(variable)
            .From(Embed("embed→q"), Channel.Query, variable)
            .From(InterpretationNode.Of("keys", keySource).Computing(variable), Channel.Key)
            .From(Embed("embed→v"), Channel.Value, variable);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(reader);
        return new ScrubHypothesis($"{variable.Name} {resampling}", root) { Resampling = resampling };
    }

    [TestCaseSource(nameof(Architectures))]
    public void AVariableConstantPerExampleGivesThePerExampleNumberInExpectation(ModelConfig config)
    {
        // The first token's parity is one value at every position: each position's source has the per-example
        // source's distribution, so the expected loss is the same; only the noise differs. (The zoo model, where the
        // scrub costs much more, runs the same comparison in PerPositionInductionTests.)
        Component[] heads = [Component.Head(1, 0)];
        var result = Run(config, 400,
            new ScrubCheck("per example", OneDrawPerCopy(FirstParity, heads, Component.Head(0, 0), ResamplingGranularity.PerExample), ScrubBaseline.ResampledInput),
            new ScrubCheck("per position", OneDrawPerCopy(FirstParity, heads, Component.Head(0, 0), ResamplingGranularity.PerPosition), ScrubBaseline.ResampledInput));
        var perExample = result["per example"][Statistic.Metric];
        var perPosition = result["per position"][Statistic.Metric];
        double halfWidths = (perExample.High - perExample.Low + perPosition.High - perPosition.Low) / 2;
        Assert.That(Math.Abs(perExample.Value - perPosition.Value), Is.LessThan(halfWidths));
        Assert.That(perPosition.Value, Is.Not.EqualTo(perExample.Value), "different draws");
    }

    [Test]
    public void TheSameSeedGivesTheSameDrawsAndNumbers()
    {
        var config = RandomModels.Gpt2Like;
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 30, 8);
        var tree = Tree(model, Induction());
        var a = PositionSampler.Sample(tree, data, 4);
        var b = PositionSampler.Sample(tree, data, 4);
        var c = PositionSampler.Sample(tree, data, 5);
        foreach (var node in tree.Nodes)
            Assert.That(b.Of(node).Worlds, Is.EqualTo(a.Of(node).Worlds), node.Path);
        Assert.That(tree.Nodes.Any(n => !c.Of(n).Worlds.SequenceEqual(a.Of(n).Worlds)), Is.True, "another seed draws otherwise");
        var first = Run(config, 30, new ScrubCheck("h", Induction(), ScrubBaseline.ResampledInput));
        var second = Run(config, 30, new ScrubCheck("h", Induction(), ScrubBaseline.ResampledInput));
        Assert.That(second["h"][Statistic.Recovers].Value, Is.EqualTo(first["h"][Statistic.Recovers].Value));
        Assert.That(second["h"].Method["resampling"], Does.StartWith("per position"));
    }
}
