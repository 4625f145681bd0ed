using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using CircuitDsl.TestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Patching;

/// <summary>
/// Pass D recomputing only the heads a receiver touches in its layer (the last layer: only at the metric's rows)
/// against the whole tail of the model and against the literal algorithm, on every architecture.
/// </summary>
[TestFixture]
public class TouchedHeadsPassDTests
{
    static PatchEndpoint E(Component c, PositionSet? at = null) => PatchEndpoint.At(c, at);

    static IEnumerable<TestCaseData> Cases()
    {
        foreach (var config in RandomModels.All)
        {
            int last = config.Layers - 1;
            (string, PathPatchSpec)[] specs =
            [
                ("last layer k", PathPatchSpec.Of([], E(Component.Head(last, 1, Channel.Key)))),
                ("last layer q at END, v at positions", PathPatchSpec.Of([], E(Component.Head(last, 0, Channel.Query), PositionSet.Named("END")), E(Component.Head(last, 1, Channel.Value), PositionSet.At(1, 4)))),
                ("last layer k and q of one head", PathPatchSpec.Of([], E(Component.Head(last, 1, Channel.Key), PositionSet.At(2, 5, 6)), E(Component.Head(last, 1, Channel.Query)))),
                ("layer 1 v, then layer 2 q", PathPatchSpec.Of([], E(Component.Head(1, 0, Channel.Value)), E(Component.Head(2, 1, Channel.Query), PositionSet.Named("END")))),
                ("layer 1 k from position 3", PathPatchSpec.Of([], E(Component.Head(1, 1, Channel.Key), PositionSet.At(3, 6)))),
            ];
            foreach (var (name, spec) in specs) yield return new TestCaseData(config, spec).SetArgDisplayNames(config.Name, name);
        }
    }

    static IReadOnlyList<IReadOnlyList<PatchEndpoint>> Senders(PathPatchingFixture f) =>
    [
        [E(Component.Head(0, 0))],
        [E(Component.Embed, PositionSet.Named("MID")), E(Component.Head(0, 1))],
        [E(Component.Head(f.Model.Config.Layers - 1, 0))], // reaches no receiver: the clean run
        [],
    ];

    /// <summary>Final streams at every position (no metric rows given): the narrowed pass D, the whole tail and the literal algorithm agree.</summary>
    [TestCaseSource(nameof(Cases))]
    public void EveryPositionEqualsTheWholeTailAndTheLiteralAlgorithm(ModelConfig config, PathPatchSpec receivers)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var variants = Senders(f);
        var touched = Finals(f, receivers, variants, touchedHeadsOnly: true);
        var whole = Finals(f, receivers, variants, touchedHeadsOnly: false);
        for (int v = 0; v < variants.Count; v++)
        {
            Assert.That(RandomModels.MaxRelativeError(touched[v], whole[v]), Is.LessThan(1e-5), $"variant {v}");
            var spec = receivers with { Senders = [.. variants[v]] };
            Assert.That(RandomModels.MaxRelativeError(f.Model.UnembedRows(touched[v]), f.Literal(spec)), Is.LessThan(1e-5), $"variant {v} against the literal algorithm");
        }
        Assert.That(RandomModels.Same(touched[0], f.Clean.Final), Is.False, "the patch must change something");
        Assert.That(RandomModels.Same(touched[2], f.Clean.Final) && RandomModels.Same(touched[3], f.Clean.Final), Is.True, "variants that reach no receiver are the clean run, exactly");
    }

    /// <summary>Per example, the metric read at its rows (where the last layer runs only there) equals the whole tail's.</summary>
    [TestCaseSource(nameof(Cases))]
    public void AtTheMetricsRowsEqualsTheWholeTail(ModelConfig config, PathPatchSpec receivers)
    {
        using var f = new PathPatchingFixture(config);
        // Each metric is a difference of logits or log-probabilities: its rounding scales with the logits.
        double logits;
        using (NewDisposeScope()) logits = f.Model.UnembedRows(f.Clean.Final).abs().max().item<float>();
        foreach (var metric in new[] { MetricSpec.Loss(), MetricSpec.LogitDiff(PositionSet.Named("END")), MetricSpec.KL(PositionSet.At(2, 5, 7)) })
        {
            var touched = Metrics(f, receivers, metric, touchedHeadsOnly: true);
            var whole = Metrics(f, receivers, metric, touchedHeadsOnly: false);
            for (int v = 0; v < touched.Length; v++)
                for (int i = 0; i < touched[v].Length; i++)
                    Assert.That(touched[v][i], Is.EqualTo(whole[v][i]).Within(Float32.Tolerance(whole[v][i], logits)), $"{metric}, variant {v}, example {i}");
        }
    }

    [Test]
    public void LiveTensorsReturnToTheirStart()
    {
        using var f = new PathPatchingFixture(RandomModels.LlamaLike);
        var receivers = PathPatchSpec.Of([], E(Component.Head(2, 1, Channel.Key)), E(Component.Head(2, 3, Channel.Query), PositionSet.Named("END")));
        void Both()
        {
            Metrics(f, receivers, MetricSpec.Loss(), touchedHeadsOnly: true);
            foreach (var t in Finals(f, PathPatchSpec.Of([], E(Component.Head(1, 0, Channel.Value))), Senders(f), touchedHeadsOnly: true)) t.Dispose();
        }
        Both(); // lazily built state first
        long before = LiveTensors.Count();
        Both();
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }

    /// <summary>Each variant's final stream [b, p, d] (the caller disposes them).</summary>
    static Tensor[] Finals(PathPatchingFixture f, PathPatchSpec receivers, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, bool touchedHeadsOnly)
    {
        var result = new Tensor[variants.Count];
        using var scope = NewDisposeScope(); // what the patcher hands over dies here (views of the clean run for variants that reach no receiver)
        new PathPatcher(f.Hooks) { TouchedHeadsOnly = touchedHeadsOnly }.Run(receivers, variants, f.Clean, f.Corrupted, f.Data.Examples, (indices, streams) =>
        {
            for (int k = 0; k < indices.Count; k++) result[indices[k]] = streams.Residual[k].clone().DetachFromDisposeScope();
        });
        return result;
    }

    static double[][] Metrics(PathPatchingFixture f, PathPatchSpec receivers, MetricSpec metric, bool touchedHeadsOnly)
    {
        using var reader = new MetricReader(metric, f.Model, f.Data.Examples, f.Clean.Final, f.Clean.FinalScale);
        var variants = Senders(f);
        var result = new double[variants.Count][];
        using var scope = NewDisposeScope();
        new PathPatcher(f.Hooks) { TouchedHeadsOnly = touchedHeadsOnly }.Run(receivers, variants, f.Clean, f.Corrupted, f.Data.Examples, (indices, streams) =>
        {
            var scores = reader.EvaluateEach(streams);
            for (int k = 0; k < indices.Count; k++) result[indices[k]] = scores[k].Sums;
        }, reader.Rows);
        return result;
    }
}
