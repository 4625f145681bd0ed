using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

/// <summary>
/// The forward of every architecture setting against <see cref="LoopReferenceDecoder"/>, the formulas as loops in
/// double precision. A sequence longer than the sliding windows and the rescaled rotary's original context, so that
/// every setting changes the logits.
/// </summary>
[TestFixture]
public class ArchitectureFormulaTests
{
    static readonly ModelConfig[] Architectures = [.. TestModels.Modern, TestModels.Gpt2Like, TestModels.AttentionOnlyWithNorm];

    [TestCaseSource(nameof(Architectures))]
    public void LogitsEqualTheFormulasComputedInDoublePrecision(ModelConfig config)
    {
        using var model = TestModels.CreateDense(config, seed: 3);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(config, 2, 11, seed: 4);
        var logits = model.Forward(tokens).to(ScalarType.Float64);
        var reference = new LoopReferenceDecoder(model);
        for (int b = 0; b < 2; b++)
        {
            var expected = reference.Logits(tokens[b].data<long>().ToArray());
            var rows = tensor(expected.SelectMany(r => r).ToArray(), [expected.Length, config.VocabSize], ScalarType.Float64);
            double error = ((logits[b] - rows).abs().max() / rows.abs().max()).item<double>();
            Assert.That(error, Is.LessThan(1e-4), $"sequence {b}");
        }
    }

    [TestCaseSource(nameof(SettingsThatMustMatter))]
    public void EachSettingChangesTheLogits(ModelConfig config, ModelConfig without)
    {
        // Guards the reference comparison above: a setting the test models did not exercise would pass it trivially.
        using var model = TestModels.CreateDense(config, seed: 5);
        using var other = TestModels.CreateDense(without, seed: 5);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(config, 1, 11, seed: 6);
        Assert.That(TestModels.MaxRelativeError(model.Forward(tokens), other.Forward(tokens)), Is.GreaterThan(1e-3));
    }

    static IEnumerable<TestCaseData> SettingsThatMustMatter()
    {
        TestCaseData Case(string what, ModelConfig config, ModelConfig without) => new TestCaseData(config, without).SetName($"EachSettingChangesTheLogits({what})");
        var llama = TestModels.LlamaLike;
        var gemma = TestModels.GemmaLike;
        yield return Case("llama3 rope scaling", llama, llama with { RopeScaling = null });
        yield return Case("sliding window", TestModels.MistralLike, TestModels.MistralLike with { SlidingWindow = null });
        yield return Case("partial rotary", TestModels.NeoxLike, TestModels.NeoxLike with { RotaryDim = null });
        yield return Case("attention soft-cap", gemma, gemma with { AttentionSoftCap = null });
        yield return Case("logit soft-cap", gemma, gemma with { LogitSoftCap = null });
        yield return Case("attention scale", gemma, gemma with { AttentionScale = null });
        yield return Case("embedding scale", gemma, gemma with { EmbeddingScale = 1 });
        yield return Case("windows on even layers only", gemma, gemma with { WindowedLayers = null });
    }

    [Test]
    public void RotaryScoresDependOnlyOnTheOffsetBetweenQueryAndKey()
    {
        // RoPE's defining property: shifting a sequence right by padding tokens in front leaves each pair's score unchanged
        // when both positions move together. Checked on one attention-only rotary layer through the score hook.
        var config = TestModels.LlamaLike with { Name = "rope-shift", RopeScaling = null, DMlp = 0, GatedMlp = false, Layers = 1, KeyValueHeads = null };
        using var model = TestModels.CreateDense(config, seed: 7);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(config, 1, 6, seed: 8);
        var shifted = cat([TestModels.Tokens(config, 1, 3, seed: 9), tokens], 1);
        string scores = model.Hooks.Layers[0].AttnScores;
        var (_, a) = model.RunWithCache(tokens, n => n == scores);
        var (_, b) = model.RunWithCache(shifted, n => n == scores);
        using (a)
        using (b)
        {
            // Pre-norm inputs differ only by position (no learned positions), so the 6 × 6 block of the later run is the same scores.
            var late = b[scores].narrow(2, 3, 6).narrow(3, 3, 6);
            var early = a[scores];
            var finite = early.isfinite();
            Assert.That(TestModels.MaxRelativeError(late.masked_select(finite), early.masked_select(finite)), Is.LessThan(1e-5));
        }
    }
}
