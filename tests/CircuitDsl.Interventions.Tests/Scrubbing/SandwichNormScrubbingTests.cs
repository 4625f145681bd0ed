using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Tests.Support;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Scrubbing;

/// <summary>
/// Causal scrubbing on a sandwich-norm (Gemma-2-like) model: the residual stream is a sum of the attention blocks'
/// outputs ln1_post(Σ heads + b_O) and the MLPs' outputs, not of head outputs, so a hypothesis that maps a head is
/// refused with the reason; MLPs and embeddings are scrubbed exactly (identity 100%, treeification algebraic). The
/// same checks with heads run on the other architectures in <see cref="ScrubbingInvariantTests"/>.
/// </summary>
[TestFixture]
public class SandwichNormScrubbingTests
{
    static readonly CausalVariable Parity = CausalVariable.Of("parity", x => x.Tokens[x.Pos] % 2);

    static ScrubHypothesis MlpGraph(UnmappedInputs unmapped)
    {
        var first = InterpretationNode.Of("mlp0", Component.Mlp(0)).From(InterpretationNode.Of("tok", Component.Embed));
        var second = InterpretationNode.Of("mlp1", Component.Mlp(1)).From(first).From(InterpretationNode.Of("tok2", Component.Embed));
        var root = InterpretationNode.Of("out", Component.Logits).From(second).From(first);
        return new ScrubHypothesis("mlps", root) { Unmapped = unmapped };
    }

    [Test]
    public void AHypothesisThatMapsAHeadIsRefusedWithTheReason()
    {
        using var model = RandomModels.Create(RandomModels.Gemma2Like);
        var head = InterpretationNode.Of("head", Component.Head(1, 0)).From(InterpretationNode.Of("tok", Component.Embed));
        var h = new ScrubHypothesis("heads", InterpretationNode.Of("out", Component.Logits).From(head));
        Assert.That(() => Treeifier.Treeify(h, new ComponentHooks(model)), Throws.TypeOf<HypothesisException>()
            .With.Message.Contains("L1.H0").And.Message.Contains("sandwich norms").And.Message.Contains("not a sum of head outputs"));
        // A baseline that resamples a head's inputs is a hypothesis mapping it: refused the same way when the check runs.
        var plan = new ExperimentPlan("refused", RandomModels.Data(RandomModels.Gemma2Like, 4, 1), MetricSpec.Loss(),
            [new ScrubCheck("baseline with a head", MlpGraph(UnmappedInputs.Keep), ScrubBaseline.ResampleInputsOf(Component.Head(2, 1)))]);
        Assert.That(() => new ExperimentRunner(model).Run(plan), Throws.TypeOf<HypothesisException>().With.Message.Contains("sandwich norms"));
    }

    [Test]
    public void TheIdentityHypothesisRecoversExactly100Percent()
    {
        using var model = RandomModels.Create(RandomModels.Gemma2Like);
        var plan = new ExperimentPlan("identity", RandomModels.Data(RandomModels.Gemma2Like, 24, 5), MetricSpec.Loss(),
        [
            new ScrubCheck("exact root", new ScrubHypothesis("exact root", InterpretationNode.Of("out", Component.Logits)), ScrubBaseline.ResampledInput),
            new ScrubCheck("every mlp path exact", MlpGraph(UnmappedInputs.Keep), ScrubBaseline.ResampledInput),
        ]) { Seed = 9, BatchSize = 10 };
        foreach (var check in new ExperimentRunner(model).Run(plan).Checks)
        {
            Assert.That(check[Statistic.Recovers].Value, Is.EqualTo(1.0), check.Name);
            Assert.That(check[Statistic.Metric].Value, Is.EqualTo(check[Statistic.Model].Value), check.Name);
        }
    }

    [Test]
    public void TreeificationOfMlpsIsAlgebraic()
    {
        using var model = RandomModels.Create(RandomModels.Gemma2Like);
        var data = RandomModels.Data(RandomModels.Gemma2Like, 6, 3);
        var hooks = new ComponentHooks(model);
        var tree = Treeifier.Treeify(MlpGraph(UnmappedInputs.Keep), hooks);
        var samples = ScrubSampler.Sample(tree, data, 1);
        using var runs = new RunCache(model, hooks.StandardHooks());
        using var scope = NewDisposeScope();
        var recomputed = new ScrubEvaluator(hooks, data, runs) { ShortCircuit = false }.Logits(tree, samples, 0, data.Count);
        var clean = runs.Get(data, TokenBatch.Range(0, data.Count)).Logits;
        Assert.That(RandomModels.MaxRelativeError(recomputed, clean), Is.LessThan(1e-5));
    }

    [Test]
    public void ConditionedMlpsChangeTheOutput()
    {
        using var model = RandomModels.Create(RandomModels.Gemma2Like);
        var first = InterpretationNode.Of("mlp0", Component.Mlp(0)).Computing(Parity).From(InterpretationNode.Of("tok", Component.Embed), agreeingOn: Parity);
        var root = InterpretationNode.Of("out", Component.Logits).From(first, agreeingOn: Parity);
        var plan = new ExperimentPlan("conditioned", RandomModels.Data(RandomModels.Gemma2Like, 24, 5), MetricSpec.Loss(),
            [new ScrubCheck("parity", new ScrubHypothesis("parity", root) { Unmapped = UnmappedInputs.Resample }, ScrubBaseline.ResampledInput)]) { Seed = 9, BatchSize = 12 };
        var check = new ExperimentRunner(model).Run(plan).Checks[0];
        Assert.That(check[Statistic.Metric].Value, Is.Not.EqualTo(check[Statistic.Model].Value));
    }
}
