using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using CircuitDsl.TestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Metrics;

/// <summary>
/// Causal scrubbing as the engine runs it (the root hands over the final stream, the metric and IIA unembed only the
/// rows they score) against the dense reference: the scrubbed full logits, scored by the metric on full logits, the
/// model's metric from the clean full logits and IIA by argmax of full logits. Per example and per position
/// resampling, every metric, with and without MLPs and LayerNorm.
/// </summary>
[TestFixture]
public class ScrubAgainstDenseTests
{
    static readonly CausalVariable Parity = CausalVariable.Of("parity", x => x.Tokens[x.Pos] % 2);
    static readonly CausalVariable PrevParity = CausalVariable.Of("prev_parity", x => x.Pos == 0 ? -1 : x.Tokens[x.Pos - 1] % 2);
    // A token id where there is a next token, else no IIA target (the last position is not scored for agreement).
    static readonly CausalVariable NextToken = CausalVariable.Of<object>("next_token", x => x.Pos + 1 < x.Length ? x.Tokens[x.Pos + 1] : "none");

    static InterpretationNode Embed(string name) => InterpretationNode.Of(name, Component.Embed);

    static ScrubHypothesis Induction(ResamplingGranularity resampling, bool rootVariable)
    {
        var prev = InterpretationNode.Of("prev", Component.Head(0, 0)).Computing(PrevParity).From(Embed("embed→prev"), agreeingOn: PrevParity);
        var induction = InterpretationNode.Of("induction", Component.Head(1, 0)).Computing(Parity)
            .From(Embed("embed→q"), Channel.Query, Parity)
            .From(prev, Channel.Key)
            .From(Embed("embed→v"), Channel.Value, Parity);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction, agreeingOn: Parity);
        if (rootVariable) root = root.Computing(NextToken);
        return new ScrubHypothesis($"induction {resampling}{(rootVariable ? ", root variable" : "")}", root) { Resampling = resampling };
    }

    static ScrubHypothesis ThroughMlp()
    {
        var heads = InterpretationNode.Of("layer0", Component.Head(0, 0), Component.Head(0, 1)).From(Embed("embed"), agreeingOn: Parity);
        var mlp = InterpretationNode.Of("mlp", Component.Mlp(1)).Computing(Parity).From(heads, agreeingOn: Parity);
        return new ScrubHypothesis("through mlp", InterpretationNode.Of("out", Component.Logits).Computing(NextToken).From(mlp, agreeingOn: Parity));
    }

    static ScrubHypothesis Identity(ResamplingGranularity resampling) =>
        new($"identity {resampling}", InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep)) { Resampling = resampling };

    /// <summary>MLPs and embeddings only: what causal scrubbing maps on a sandwich-norm model.</summary>
    static ScrubHypothesis MlpsOnly(ResamplingGranularity resampling)
    {
        var first = InterpretationNode.Of("mlp0", Component.Mlp(0)).From(Embed("embed"), agreeingOn: Parity);
        var last = InterpretationNode.Of("mlp2", Component.Mlp(2)).Computing(Parity).From(first, agreeingOn: Parity);
        var root = InterpretationNode.Of("out", Component.Logits).Computing(NextToken).From(last, agreeingOn: Parity);
        return new ScrubHypothesis($"mlps only {resampling}", root) { Resampling = resampling };
    }

    static IEnumerable<ScrubHypothesis> Hypotheses(ModelConfig config)
    {
        foreach (var resampling in new[] { ResamplingGranularity.PerExample, ResamplingGranularity.PerPosition })
        {
            yield return Identity(resampling);
            if (config.SandwichNorms)
            {
                yield return MlpsOnly(resampling); // heads are refused there (ScrubbingSandwichNormTests)
                continue;
            }
            yield return Induction(resampling, rootVariable: false);
            yield return Induction(resampling, rootVariable: true);
        }
        if (config.HasMlp && !config.SandwichNorms) yield return ThroughMlp();
    }

    static ScrubBaseline BaselineOf(ModelConfig config) =>
        config.SandwichNorms ? ScrubBaseline.ResampledInput : ScrubBaseline.ResampleInputsOf(Component.Head(1, 0));

    [TestCaseSource(typeof(DenseReferenceCases), nameof(DenseReferenceCases.Cases))]
    public void ScrubChecksMatchTheDenseReference(ModelConfig config, MetricSpec metric)
    {
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 24, 31);
        var hypotheses = Hypotheses(config).ToArray();
        var baselineSpec = BaselineOf(config);
        var plan = new ExperimentPlan("scrub sparse", data, metric, [.. hypotheses.Select(h => new ScrubCheck(h.Name, h, baselineSpec))])
            { Seed = 5, BatchSize = data.Count };
        var result = new ExperimentRunner(model).Run(plan);

        var hooks = new ComponentHooks(model);
        using var runs = new RunCache(model, hooks.StandardHooks());
        using var scope = NewDisposeScope();
        var all = TokenBatch.Range(0, data.Count);
        var cleanLogits = runs.Get(data, all).Logits;
        var model_ = Dense(metric, cleanLogits, data, cleanLogits);
        var baselineTree = Treeifier.Treeify(baselineSpec.AsHypothesis(), hooks);
        var baseline = Dense(metric, new ScrubEvaluator(hooks, data, runs).Logits(baselineTree, ScrubSampler.Sample(baselineTree, data, plan.Seed), 0, data.Count), data, cleanLogits);
        Assume.That(metric.Kind != MetricKind.LogitDiff || Mean(model_) != 0);
        foreach (var h in hypotheses)
        {
            var check = result[h.Name];
            var logits = ScrubbedLogits(hooks, runs, data, h, plan.Seed);
            var scrubbed = Dense(metric, logits, data, cleanLogits);
            var agreement = Agreement(metric, logits, cleanLogits, data, h);
            for (int i = 0; i < data.Count; i++)
            {
                Close(check.PerExampleMetric[i], PerExample(scrubbed, i), $"{h.Name}: metric, example {i}");
                Close(check.PerExampleAgreement![i], PerExample(agreement, i), $"{h.Name}: agreement, example {i}");
            }
            Close(check[Statistic.Metric].Value, Mean(scrubbed), $"{h.Name}: metric");
            Close(check[Statistic.Baseline].Value, Mean(baseline), $"{h.Name}: baseline");
            Close(check[Statistic.Model].Value, Mean(model_), $"{h.Name}: model");
            Close(check[Statistic.Iia].Value, Mean(agreement), $"{h.Name}: iia");
            Recovered(check[Statistic.Recovers].Value, Mean(scrubbed), Mean(baseline), Mean(model_), $"{h.Name}: recovers");
        }
        // An unchanged stream scores through the same reader as the model: bit for bit its metric, its own top
        // prediction everywhere, and exactly 1 recovered (where the baseline differs from the model at all).
        foreach (var identity in result.Checks.Where(c => c.Name.StartsWith("identity")))
        {
            Assert.That(identity[Statistic.Metric].Value, Is.EqualTo(identity[Statistic.Model].Value), identity.Name);
            Assert.That(identity[Statistic.Iia].Value, Is.EqualTo(1.0), identity.Name);
            if (identity[Statistic.Model].Value != identity[Statistic.Baseline].Value)
                Assert.That(identity[Statistic.Recovers].Value, Is.EqualTo(1.0), identity.Name);
        }
    }

    /// <summary>
    /// (s − b) / (m − b) within the float32 tolerance of its three means carried through the ratio: a small
    /// m − b magnifies the rounding of both paths alike.
    /// </summary>
    static void Recovered(double actual, double s, double b, double m, string what)
    {
        double expected = (s - b) / (m - b);
        if (!double.IsFinite(expected)) { Assert.That(actual, Is.EqualTo(expected), what); return; }
        double span = Math.Abs(m - b);
        double tolerance = (Float32.Tolerance(s) + Float32.Tolerance(b) + Math.Abs(expected) * (Float32.Tolerance(m) + Float32.Tolerance(b))) / span;
        Assert.That(actual, Is.EqualTo(expected).Within(tolerance), what);
    }

    static Tensor ScrubbedLogits(ComponentHooks hooks, RunCache runs, Dataset data, ScrubHypothesis h, long seed)
    {
        var tree = Treeifier.Treeify(h, hooks);
        return h.Resampling == ResamplingGranularity.PerPosition
            ? new PositionScrubEvaluator(hooks, data, runs, data.Count).Logits(tree, PositionSampler.Sample(tree, data, seed), 0, data.Count)
            : new ScrubEvaluator(hooks, data, runs).Logits(tree, ScrubSampler.Sample(tree, data, seed), 0, data.Count);
    }

    static (double[] Sums, int[] Counts) Dense(MetricSpec metric, Tensor logits, Dataset data, Tensor cleanLogits) =>
        MetricEvaluator.Evaluate(metric, logits, data.Examples, cleanLogits);

    /// <summary>IIA as scrubbing scored it on full logits: argmax over the vocabulary at the metric's positions with a target.</summary>
    static (double[] Sums, int[] Counts) Agreement(MetricSpec metric, Tensor logits, Tensor cleanLogits, Dataset data, ScrubHypothesis h)
    {
        var target = cleanLogits.argmax(-1);
        if (h.Root.Computes is { } variable)
        {
            var values = new long[data.Count * data.Length];
            for (int i = 0; i < data.Count; i++)
                for (int p = 0; p < data.Length; p++)
                    values[i * data.Length + p] = variable.Evaluate(data.Examples[i], p) is int token ? token : -1;
            target = tensor(values, [data.Count, data.Length]);
        }
        var mask = (ComponentHooks.PositionMask(metric.Positions, data.Examples, data.Length) & (target >= 0)).to(ScalarType.Float64);
        var agree = (logits.argmax(-1) == target).to(ScalarType.Float64) * mask;
        return (agree.sum(1).data<double>().ToArray(), mask.sum(1).data<double>().Select(c => (int)c).ToArray());
    }

    static double PerExample((double[] Sums, int[] Counts) v, int i) => v.Counts[i] == 0 ? double.NaN : v.Sums[i] / v.Counts[i];

    static double Mean((double[] Sums, int[] Counts) v) => v.Sums.Sum() / v.Counts.Sum();

    static void Close(double actual, double expected, string what)
    {
        if (double.IsNaN(expected)) Assert.That(actual, Is.NaN, what);
        else Assert.That(actual, Is.EqualTo(expected).Within(Float32.Tolerance(expected)), what);
    }
}
