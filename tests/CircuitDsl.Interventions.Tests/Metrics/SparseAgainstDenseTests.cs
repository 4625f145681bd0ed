using System.Collections.Immutable;
using CircuitDsl.Interventions.Ablation;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.TestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Metrics;

/// <summary>
/// Every check kind as the engine runs it (final streams, unembedded only at the metric's rows and, for a logit
/// difference, its two columns; path patching into the logits computed at those rows only) against the dense
/// reference: plain hooked forwards to full logits, one literal path-patching pass per sender set, and the metric
/// on full logits. Per example, every metric, with and without MLPs and LayerNorm.
/// </summary>
[TestFixture]
public class SparseAgainstDenseTests
{
    static PatchEndpoint E(Component c, PositionSet? at = null) => PatchEndpoint.At(c, at);

    static IEnumerable<(Check Check, PathPatchSpec? Path)> Checks(ModelConfig config)
    {
        var heads = (from l in Enumerable.Range(0, config.Layers) from h in Enumerable.Range(0, config.Heads) select E(Component.Head(l, h))).ToImmutableArray();
        var toLogits = PathPatchSpec.Of([], E(Component.Logits));
        // Receivers at some positions only: pass C runs at those rows alone.
        var toQk = PathPatchSpec.Of([], E(Component.Head(2, 0, Channel.Key), PositionSet.At(3, 5)), E(Component.Head(2, 1, Channel.Query), PositionSet.Named("END")));
        yield return (new ModelCheck("model"), null);
        yield return (new ActivationPatchCheck("denoise", [E(Component.Head(1, 0)), E(Component.Head(0, 1, Channel.Value), PositionSet.At(3))], PatchDirection.CleanIntoCorrupted), null);
        yield return (new ActivationPatchCheck("noise", [E(config.HasMlp ? Component.Mlp(1) : Component.Head(1, 1), PositionSet.Named("MID"))], PatchDirection.CorruptedIntoClean), null);
        yield return (new AblationCheck("zero", [E(Component.Head(2, 1)), E(Component.Embed, PositionSet.At(0, 4))], new AblationMethod(AblationKind.Zero)), null);
        yield return (new AblationCheck("resample", [E(Component.Head(0, 0))], new AblationMethod(AblationKind.Resample, Pairing: ResamplePairing.Paired)), null);
        foreach (var s in heads.Append(E(Component.Embed, PositionSet.Named("MID"))))
        {
            yield return (new PathSweepCheck("logits", [s], toLogits), toLogits with { Senders = [s] });
            yield return (new PathSweepCheck("qk", [s], toQk), toQk with { Senders = [s] });
        }
        var partial = PathPatchSpec.Of([E(Component.Head(0, 0), PositionSet.At(1, 7)), E(Component.Head(1, 1))], E(Component.Logits, PositionSet.At(2, 7)));
        yield return (new PathPatchCheck("logits at positions", partial), partial);
        var everywhere = PathPatchSpec.Of([E(Component.Head(0, 0)), E(Component.Head(1, 1), PositionSet.At(2, 4))], E(Component.Head(2, 1, Channel.Value)), E(Component.Head(1, 0, Channel.Query), PositionSet.At(6)));
        yield return (new PathPatchCheck("v everywhere", everywhere), everywhere);
        var frozen = PathPatchSpec.Of([E(Component.Head(0, 1))], E(Component.Logits)) with { FreezeLayerNorm = true, FreezeMlps = !config.HasMlp ? false : true };
        yield return (new PathPatchCheck("frozen", frozen), frozen);
        if (config.HasMlp)
        {
            var mlp = PathPatchSpec.Of([E(Component.Mlp(0), PositionSet.Named("END")), E(Component.Head(0, 2))], E(Component.Logits)) with { FreezeLayerNorm = true };
            yield return (new PathPatchCheck("mlp sender", mlp), mlp);
        }
    }

    [TestCaseSource(typeof(DenseReferenceCases), nameof(DenseReferenceCases.Cases))]
    public void EveryCheckKindMatchesTheDenseReferencePerExample(ModelConfig config, MetricSpec metric)
    {
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 6, 23);
        var checks = Checks(config).ToArray();
        // Sweeps are merged by name into one check each, as the language lowers them.
        var plan = new ExperimentPlan("sparse", data, metric,
        [
            .. checks.Select(c => c.Check).Where(c => c is not PathSweepCheck),
            new PathSweepCheck("logits", [.. checks.Where(c => c.Check.Name == "logits").Select(c => ((PathSweepCheck)c.Check).Senders[0])], PathPatchSpec.Of([], E(Component.Logits))),
            new PathSweepCheck("qk", [.. checks.Where(c => c.Check.Name == "qk").Select(c => ((PathSweepCheck)c.Check).Senders[0])], ((PathSweepCheck)checks.First(c => c.Check.Name == "qk").Check).Receivers),
        ]) { Counterfactual = CounterfactualSource.Paired, BatchSize = 6 };
        var result = new ExperimentRunner(model) { MaxRows = 4 }.Run(plan); // small chunks: several per sweep
        Assume.That(metric.Kind != MetricKind.LogitDiff || result["model"][Statistic.Metric].Value != 0);

        using var scope = NewDisposeScope();
        using var dense = new DenseReference(model, data, metric);
        var expected = new Dictionary<string, double[]>
        {
            ["model"] = dense.PerExample(dense.CleanLogits),
            ["denoise"] = dense.PerExample(dense.Patched((ActivationPatchCheck)checks[1].Check)),
            ["noise"] = dense.PerExample(dense.Patched((ActivationPatchCheck)checks[2].Check)),
            ["zero"] = dense.PerExample(dense.Ablated((AblationCheck)checks[3].Check, zeros(1))),
            ["resample"] = dense.PerExample(dense.Ablated((AblationCheck)checks[4].Check, null)),
        };
        foreach (var (check, path) in checks.Where(c => c.Path is not null))
        {
            string name = check is PathSweepCheck sweep ? $"{check.Name}: {sweep.Senders[0]}" : check.Name;
            expected[name] = dense.PerExample(dense.PathPatched(path!));
        }
        Assert.That(result.Checks.Select(c => c.Name), Is.EquivalentTo(expected.Keys));
        // Every metric here is a difference of logits or log-probabilities: float32 rounding scales with the logits.
        double logits = dense.CleanLogits.abs().max().item<float>();
        foreach (var c in result.Checks)
            for (int i = 0; i < data.Count; i++)
            {
                double want = expected[c.Name][i];
                if (double.IsNaN(want)) Assert.That(c.PerExampleMetric[i], Is.NaN, $"{c.Name}, example {i}");
                else Assert.That(c.PerExampleMetric[i], Is.EqualTo(want).Within(Float32.Tolerance(want, logits)), $"{c.Name}, example {i}");
            }
    }

    /// <summary>Full logits from plain hooked forwards, one literal pass per sender set, and the metric on full logits.</summary>
    sealed class DenseReference : IDisposable
    {
        readonly HookedTransformer model;
        readonly Dataset data;
        readonly MetricSpec metric;
        readonly ComponentHooks hooks;
        readonly Tensor cleanTokens, corruptedTokens;
        readonly ActivationCache clean, corrupted;

        public DenseReference(HookedTransformer model, Dataset data, MetricSpec metric)
        {
            this.model = model;
            this.data = data;
            this.metric = metric;
            hooks = new ComponentHooks(model);
            var all = TokenBatch.Range(0, data.Count);
            cleanTokens = TokenBatch.Of(data, all);
            corruptedTokens = TokenBatch.Of(data, all, counterfactual: true);
            (CleanLogits, clean) = model.RunWithCache(cleanTokens);
            (_, corrupted) = model.RunWithCache(corruptedTokens);
        }

        public Tensor CleanLogits { get; }

        public double[] PerExample(Tensor logits)
        {
            var (sums, counts) = MetricEvaluator.Evaluate(metric, logits, data.Examples, CleanLogits);
            return sums.Select((s, i) => counts[i] == 0 ? double.NaN : s / counts[i]).ToArray();
        }

        public Tensor Patched(ActivationPatchCheck check)
        {
            bool denoise = check.Direction == PatchDirection.CleanIntoCorrupted;
            var source = denoise ? clean : corrupted;
            return model.RunWithInterventions(denoise ? corruptedTokens : cleanTokens,
                [.. check.Components.Select(c => ActivationSource.Set(hooks, c, Read(source, c.Component), data.Examples, data.Length))]);
        }

        /// <summary>Ablation with a fixed value, or (null) resampled from the paired counterfactual.</summary>
        public Tensor Ablated(AblationCheck check, Tensor? value) => model.RunWithInterventions(cleanTokens,
            [.. check.Components.Select(c => ActivationSource.Set(hooks, c, value ?? Read(corrupted, c.Component), data.Examples, data.Length))]);

        public Tensor PathPatched(PathPatchSpec spec)
        {
            var literal = new LiteralPathPatcher(hooks);
            var (a, b) = literal.Cache(cleanTokens, corruptedTokens);
            using (a)
            using (b)
                return literal.Run(spec, cleanTokens, a, b, data.Examples);
        }

        public void Dispose()
        {
            clean.Dispose();
            corrupted.Dispose();
        }

        Tensor Read(ActivationCache cache, Component c) =>
            c.Kind == ComponentKind.Head && c.Channel != Channel.Output ? cache[model.Hooks.Layers[c.Layer].ResidPre] : hooks.ReadOutput(cache, c);
    }
}
