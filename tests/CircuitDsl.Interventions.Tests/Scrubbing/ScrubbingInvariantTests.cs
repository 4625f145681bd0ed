using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>Anchors §6 A checks 1–3: identity 100%, null 0%, treeification algebraic.</summary>
[TestFixture]
public class ScrubbingInvariantTests
{
    static readonly ModelConfig[] Architectures = RandomModels.Scrubbable;
    static readonly CausalVariable Answer = CausalVariable.Of("answer", x => x.Answer!.Value);

    /// <summary>A graph with shared nodes (L0.H0 is read by two heads), so treeification makes copies.</summary>
    static ScrubHypothesis Graph(UnmappedInputs unmapped, CausalVariable? condition = null)
    {
        var early = InterpretationNode.Of("early", Component.Head(0, 0)).Computing(condition!).From(InterpretationNode.Of("tok", Component.Embed), agreeingOn: condition);
        var mid = InterpretationNode.Of("mid", Component.Head(1, 1)).From(early, Channel.Key).From(InterpretationNode.Of("tok2", Component.Embed), Channel.Value);
        var late = InterpretationNode.Of("late", Component.Head(2, 0)).From(early, Channel.Query).From(mid);
        var root = InterpretationNode.Of("out", Component.Logits).From(late).From(mid);
        return new ScrubHypothesis("graph", root) { Unmapped = unmapped };
    }

    static ExperimentResult Run(ModelConfig config, params Check[] checks)
    {
        using var model = RandomModels.Create(config);
        var plan = new ExperimentPlan("invariants", RandomModels.Data(config, 24, 5), MetricSpec.Loss(), [.. checks]) { Seed = 9, BatchSize = 10 };
        return new ExperimentRunner(model).Run(plan);
    }

    [TestCaseSource(nameof(Architectures))]
    public void TheIdentityHypothesisRecoversExactly100Percent(ModelConfig config)
    {
        var leaf = new ScrubHypothesis("exact root", InterpretationNode.Of("out", Component.Logits));
        var keepAll = Graph(UnmappedInputs.Keep);
        var result = Run(config,
            new ScrubCheck("exact root", leaf, ScrubBaseline.ResampledInput),
            new ScrubCheck("every path exact", keepAll, ScrubBaseline.ResampleInputsOf(Component.Head(2, 0))));
        foreach (var check in result.Checks)
        {
            Assert.That(check[Statistic.Recovers].Value, Is.EqualTo(1.0), check.Name);
            Assert.That(check[Statistic.Metric].Value, Is.EqualTo(check[Statistic.Model].Value), check.Name);
            Assert.That(check[Statistic.Iia].Value, Is.EqualTo(1.0), check.Name);
        }
    }

    [TestCaseSource(nameof(Architectures))]
    public void TheNullHypothesisRecoversExactly0Percent(ModelConfig config)
    {
        var heads = ScrubBaseline.ResampleInputsOf(Component.Head(1, 0), Component.Head(2, 1));
        var result = Run(config,
            new ScrubCheck("random root", ScrubBaseline.ResampledInput.AsHypothesis(), ScrubBaseline.ResampledInput),
            new ScrubCheck("inputs of the heads resampled", heads.AsHypothesis(), heads));
        foreach (var check in result.Checks)
        {
            Assert.That(check[Statistic.Recovers].Value, Is.EqualTo(0.0), check.Name);
            Assert.That(check[Statistic.Baseline].Value, Is.Not.EqualTo(check[Statistic.Model].Value), "the baseline must differ from the model");
        }
    }

    [TestCaseSource(nameof(Architectures))]
    public void TreeificationIsAlgebraic(ModelConfig config)
    {
        // Every copy on the reference: recomputing every mapped component from the residual decomposition gives the model.
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 6, 3);
        var hooks = new ComponentHooks(model);
        var tree = Treeifier.Treeify(Graph(UnmappedInputs.Keep), hooks);
        // out→late→early, out→late→mid→early, out→mid→early: one copy of the shared node per path.
        Assert.That(tree.Nodes.Count(n => n.Node.Name == "early"), Is.EqualTo(3));
        var samples = ScrubSampler.Sample(tree, data, 1);
        using var runs = new RunCache(model, hooks.StandardHooks());
        using var scope = NewDisposeScope();
        var recomputed = new ScrubEvaluator(hooks, data, runs) { ShortCircuit = false }.Logits(tree, samples, 0, data.Count);
        var clean = runs.Get(data, TokenBatch.Range(0, data.Count)).Logits;
        Assert.That(RandomModels.MaxRelativeError(recomputed, clean), Is.LessThan(1e-5));
    }

    [TestCaseSource(nameof(Architectures))]
    public void ConditionedCopiesRecoverLessThanExactOnesButStayInRange(ModelConfig config)
    {
        var result = Run(config,
            new ScrubCheck("conditioned", Graph(UnmappedInputs.Resample, Answer), ScrubBaseline.ResampledInput));
        var r = result.Checks[0][Statistic.Recovers];
        Assert.That(r.Value, Is.LessThan(1.0));
        Assert.That(r.Low, Is.LessThanOrEqualTo(r.Value));
        Assert.That(r.High, Is.GreaterThanOrEqualTo(r.Value));
    }

    [Test]
    public void AllUnclaimedInputsOfANodeShareOneRandomDatum()
    {
        // L1.H0 with every input unclaimed: its output must be its clean output on one datum (not q, k, v on three).
        var config = RandomModels.AttentionOnly;
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 8, 4);
        var hooks = new ComponentHooks(model);
        var head = InterpretationNode.Of("head", Component.Head(1, 0)).WithUnmapped(UnmappedInputs.Resample);
        var tree = Treeifier.Treeify(new ScrubHypothesis("h", InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(head)), hooks);
        var samples = ScrubSampler.Sample(tree, data, 2);
        var other = samples.UnmappedOf(tree.Nodes[1]);
        Assert.That(other, Is.Not.EqualTo(samples.DataOf(tree.Nodes[1])), "the shared datum is a random one");
        using var runs = new RunCache(model, hooks.StandardHooks());
        using var scope = NewDisposeScope();
        var scrubbed = new ScrubEvaluator(hooks, data, runs).Logits(tree, samples, 0, data.Count);
        // The root keeps every other path on the reference, so only the head's direct path to the logits changes:
        // final = clean final stream + (head on the shared datum − head on the reference).
        var result = model.Hooks.Layers[1].Result;
        var reference = runs.Get(data, TokenBatch.Range(0, data.Count)).Cache;
        var shared = runs.Get(data, other).Cache;
        var final = reference[model.Hooks.Layers[2].ResidPost] + shared[result].select(2, 0) - reference[result].select(2, 0);
        var expected = model.ForwardFrom(config.Layers, final);
        Assert.That(RandomModels.MaxRelativeError(scrubbed, expected), Is.LessThan(1e-5));
    }
}
