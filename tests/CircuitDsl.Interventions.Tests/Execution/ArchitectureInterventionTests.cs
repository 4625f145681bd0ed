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

namespace CircuitDsl.Interventions.Tests.Execution;

/// <summary>
/// Ablation and activation patching on the Llama-like, GPT-NeoX-like and Gemma-2-like models against forwards
/// written here by hand, slice by slice, with TransformerLens's hook layout: a head's output is its slice of
/// hook_result (before ln1_post on sandwich models), a head's k or v input is its key/value head's slice of
/// hook_k_input / hook_v_input, so under grouped-query attention patching L1.H2.k and L1.H3.k is one intervention.
/// </summary>
[TestFixture]
public class ArchitectureInterventionTests
{
    static readonly ModelConfig[] Architectures = RandomModels.Modern;
    static readonly MetricSpec Metric = MetricSpec.LogitDiff(PositionSet.All);
    static PatchEndpoint E(Component c, PositionSet? at = null) => PatchEndpoint.At(c, at);

    /// <summary>The engine's per-example metric of each check, on 6 paired examples.</summary>
    static Dictionary<string, double[]> Engine(HookedTransformer model, Dataset data, params Check[] checks)
    {
        var plan = new ExperimentPlan("architectures", data, Metric, [.. checks]) { Counterfactual = CounterfactualSource.Paired, BatchSize = 4 };
        return new ExperimentRunner(model).Run(plan).Checks.ToDictionary(c => c.Name, c => c.PerExampleMetric.ToArray());
    }

    static double[] PerExample(Tensor logits, Dataset data, Tensor clean)
    {
        var (sums, counts) = MetricEvaluator.Evaluate(Metric, logits, data.Examples, clean);
        return [.. sums.Select((s, i) => s / counts[i])];
    }

    /// <summary>Sets slice <paramref name="slice"/> of a per-head hook (axis 2) to <paramref name="value"/> [b, p, d] at every position.</summary>
    static Intervention SetSlice(string hook, int slice, Tensor value) =>
        Intervention.Custom(hook, (a, _) =>
        {
            var copy = a.clone();
            copy.select(2, slice).copy_(value.expand(a.select(2, slice).shape));
            return copy;
        });

    /// <param name="clean">The clean logits: each metric is a difference of logits or log-probabilities, whose float32 rounding scales with them.</param>
    static void AssertClose(double[] actual, double[] expected, string what, Tensor clean)
    {
        double logits = clean.abs().max().item<float>();
        for (int i = 0; i < expected.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(Float32.Tolerance(expected[i], logits)), $"{what}, example {i}");
    }

    [TestCaseSource(nameof(Architectures))]
    public void ZeroAndMeanAblationEqualAHandMadeForward(ModelConfig config)
    {
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 6, 41);
        using var scope = NewDisposeScope();
        var tokens = TokenBatch.Of(data, TokenBatch.Range(0, data.Count));
        var clean = model.Forward(tokens);
        var n = model.Hooks.Layers;
        var engine = Engine(model, data,
            new AblationCheck("zero head", [E(Component.Head(1, 2))], new AblationMethod(AblationKind.Zero)),
            new AblationCheck("mean mlp", [E(Component.Mlp(0))], new AblationMethod(AblationKind.Mean)),
            new AblationCheck("mean v input", [E(Component.Head(2, 1, Channel.Value))], new AblationMethod(AblationKind.Mean)));

        var zeroHead = model.RunWithInterventions(tokens, SetSlice(n[1].Result, 2, zeros(1)));
        AssertClose(engine["zero head"], PerExample(zeroHead, data, clean), "zero head", clean);

        // Means per position over the pool (here the references), taken from one cached forward.
        var (_, cache) = model.RunWithCache(tokens);
        using (cache)
        {
            var meanMlp = model.RunWithInterventions(tokens, Intervention.Replace(n[0].MlpOut, cache[n[0].MlpOut].mean([0]).unsqueeze(0)));
            AssertClose(engine["mean mlp"], PerExample(meanMlp, data, clean), "mean mlp", clean);
            // A value input is the residual stream the head reads, in its key/value head's slice.
            var meanV = model.RunWithInterventions(tokens, SetSlice(n[2].VInput, config.KvHeadOf(1), cache[n[2].ResidPre].mean([0]).unsqueeze(0)));
            AssertClose(engine["mean v input"], PerExample(meanV, data, clean), "mean v input", clean);
        }
    }

    [TestCaseSource(nameof(Architectures))]
    public void ActivationPatchingEqualsAHandMadeForward(ModelConfig config)
    {
        using var model = RandomModels.Create(config);
        var data = RandomModels.Data(config, 6, 43);
        using var scope = NewDisposeScope();
        var all = TokenBatch.Range(0, data.Count);
        var tokens = TokenBatch.Of(data, all);
        var corruptedTokens = TokenBatch.Of(data, all, counterfactual: true);
        var clean = model.Forward(tokens);
        var n = model.Hooks.Layers;
        var engine = Engine(model, data,
            new ActivationPatchCheck("noise k", [E(Component.Head(1, 3 % config.Heads, Channel.Key))], PatchDirection.CorruptedIntoClean),
            new ActivationPatchCheck("noise k of the group's other head", [E(Component.Head(1, config.KvHeadOf(3 % config.Heads) * config.QueriesPerKvHead, Channel.Key))], PatchDirection.CorruptedIntoClean),
            new ActivationPatchCheck("denoise head", [E(Component.Head(2, 0))], PatchDirection.CleanIntoCorrupted));

        var (_, corrupted) = model.RunWithCache(corruptedTokens);
        var (_, cleanCache) = model.RunWithCache(tokens);
        using (corrupted)
        using (cleanCache)
        {
            var noised = model.RunWithInterventions(tokens, SetSlice(n[1].KInput, config.KvHeadOf(3 % config.Heads), corrupted[n[1].ResidPre]));
            AssertClose(engine["noise k"], PerExample(noised, data, clean), "noise k", clean);
            // Under grouped-query attention both heads of a group read one key input: patching either is the same intervention.
            if (config.QueriesPerKvHead > 1)
                Assert.That(engine["noise k of the group's other head"], Is.EqualTo(engine["noise k"]));
            var denoised = model.RunWithInterventions(corruptedTokens, SetSlice(n[2].Result, 0, cleanCache[n[2].Result].select(2, 0)));
            AssertClose(engine["denoise head"], PerExample(denoised, data, clean), "denoise head", clean);
        }
    }
}
