using CircuitDsl.TestSupport;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Running;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// EAP from the receivers' gradients of one plain forward (ReceiverGradients) against the mask's gradient at 0, and
/// the caches EAP's forward makes (when EAP is the method) against the ones a plain clean forward makes.
/// </summary>
[TestFixture]
public class ReceiverGradientTests
{
    static readonly ModelConfig[] Configs = RandomModels.All;

    static DiscoverySettings Settings(ModelConfig config, DiscoveryMethod method, bool perPosition = false)
    {
        var settings = FamilyModels.Settings(FamilyModels.Data(config, 10)) with { Method = method, BatchSize = 4 }; // three batches
        return perPosition ? settings with { Positions = EdgePositions.Of(["END"]) } : settings;
    }

    /// <summary>EAP as the mask's gradient at 0, through the edge-patched forward (the split q/k/v inputs).</summary>
    static double[] MaskGradient(HookedTransformer model, DiscoverySettings settings)
    {
        var graph = EdgeGraph.For(model.Config, settings.Positions);
        using var run = new EdgePatchRun(model, graph);
        var batches = DiscoveryBatch.All(model, graph, settings, out _);
        try
        {
            var sums = new double[graph.Count];
            int count = 0;
            foreach (var batch in batches)
            {
                using var scope = NewDisposeScope();
                using var metric = DiscoveryMetric.For(settings.Metric, batch.Examples, batch.CleanLogits);
                var mask = zeros(1, graph.Count).requires_grad_(true);
                var logits = run.Forward(batch.Tokens, mask, batch.Clean, batch.Source, EdgeDelta.FromClean, gradients: true, buckets: batch.Buckets);
                var gradient = autograd.grad([metric.Sums(logits).sum()], [mask])[0].squeeze(0).to(ScalarType.Float64).data<double>().ToArray();
                for (int e = 0; e < sums.Length; e++) sums[e] += gradient[e];
                count += metric.Count;
            }
            return [.. sums.Select(s => s / count)];
        }
        finally
        {
            foreach (var b in batches) b.Dispose();
        }
    }

    [TestCaseSource(nameof(Configs))]
    public void ReceiverGradientsGiveTheMasksGradient(ModelConfig config)
    {
        using var model = FamilyModels.Create(config);
        foreach (bool perPosition in new[] { false, true })
        {
            var settings = Settings(config, DiscoveryMethod.Exact, perPosition);
            var expected = MaskGradient(model, settings);
            double largest = expected.Max(Math.Abs);
            Assert.That(largest, Is.GreaterThan(0));
            // Whole layers at once (these models' rows fit one block), and blocks of 12 rows with a shorter last one.
            foreach (long? block in new long?[] { null, 12 })
            {
                ReceiverGradients.BlockRows = block;
                try
                {
                    using var discovery = new EdgeDiscovery(model, settings);
                    var eap = discovery.Eap().Scores;
                    for (int e = 0; e < expected.Length; e++)
                        Assert.That(eap[e], Is.EqualTo(expected[e]).Within(1e-5 * largest), $"{discovery.Graph.Edges[e]} (per position: {perPosition}, block {block?.ToString() ?? "whole"})");
                }
                finally
                {
                    ReceiverGradients.BlockRows = null;
                }
            }
        }
    }

    [Test]
    public void TwelveRowBlocksSplitTheTestModelsRowsUnevenly()
    {
        var data = FamilyModels.Data(RandomModels.Gpt2Like, 10);
        long rows = 4L * data.Length; // a batch of Settings' four examples
        Assert.That(rows % 12, Is.Not.Zero, "blocks of 12 rows: the last one shorter");
        Assert.That(ReceiverGradients.RowsPerBlock(readers: 3 * RandomModels.Gpt2Like.Heads, RandomModels.Gpt2Like.DModel, rows), Is.EqualTo(rows), "by default one block");
    }

    static IEnumerable<TestCaseData> Folds() =>
        Configs.Select(c => new TestCaseData(c, EdgeAblation.Counterfactual, MetricKind.LogitDiff).SetArgDisplayNames(c.Name, "counterfactual", "logit_diff"))
            .Append(new TestCaseData(RandomModels.Gpt2Like, EdgeAblation.Zero, MetricKind.LogitDiff).SetArgDisplayNames("gpt2-like", "zero", "logit_diff"))
            .Append(new TestCaseData(RandomModels.LlamaLike, EdgeAblation.Mean, MetricKind.Loss).SetArgDisplayNames("llama-like", "mean", "loss"))
            .Append(new TestCaseData(RandomModels.NeoxLike, EdgeAblation.Counterfactual, MetricKind.KL).SetArgDisplayNames("neox-like", "counterfactual", "kl"));

    [TestCaseSource(nameof(Folds))]
    public void WhenEapIsTheMethodItsForwardMakesTheCachesAndTheyAreTheCleanRunsBitForBit(ModelConfig config, EdgeAblation ablation, MetricKind metric)
    {
        using var model = FamilyModels.Create(config);
        DiscoverySettings With(DiscoveryMethod method)
        {
            var settings = Settings(config, method) with { Ablation = ablation };
            return metric switch
            {
                MetricKind.Loss => settings with { Metric = MetricSpec.Loss() },
                MetricKind.KL => settings with { Metric = MetricSpec.KL(PositionSet.Named("END")) },
                _ => settings,
            };
        }
        using var folded = EdgeDiscovery.ForRun(model, With(DiscoveryMethod.Eap));
        using var plain = EdgeDiscovery.ForRun(model, With(DiscoveryMethod.Exact));
        int perBatch = ablation == EdgeAblation.Counterfactual ? 1 : 0; // x_new's forward; a mean's pool runs are counted alike in both
        Assert.That(plain.CacheForwards - folded.CacheForwards, Is.EqualTo(3), "the clean run of each of 3 batches is EAP's");
        Assert.That(folded.CacheForwards, Is.EqualTo((3 * perBatch) + (ablation == EdgeAblation.Mean ? plain.CacheForwards - 3 : 0)));
        Assert.That(folded.Eap().Scores, Is.EqualTo(plain.Eap().Scores), "the same gradient forward, with or without the caches");
        // Everything read from the caches afterwards is the same to the bit: exact patching, a circuit's faithfulness.
        Assert.That(folded.Exact().Scores, Is.EqualTo(plain.Exact().Scores));
        var circuit = plain.Eap().Top(5);
        Assert.That(folded.Faithfulness(circuit), Is.EqualTo(plain.Faithfulness(circuit)));
    }

    [Test]
    public void LiveTensorsReturnToTheirStartingCount()
    {
        var config = RandomModels.Gpt2Like;
        using var model = FamilyModels.Create(config);
        using (var warm = EdgeDiscovery.ForRun(model, Settings(config, DiscoveryMethod.Eap))) warm.EapIg(2);
        long before = LiveTensors.Count();
        using (var discovery = EdgeDiscovery.ForRun(model, Settings(config, DiscoveryMethod.Eap)))
        {
            discovery.Eap();
            discovery.EapIg(2);
        }
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }
}
