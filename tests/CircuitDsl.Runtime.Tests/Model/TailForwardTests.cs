using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

/// <summary>
/// <see cref="HookedTransformer.ForwardTail"/>: continuing a run at its last positions, with the earlier positions' keys
/// and values read from the run's cache, gives the rows a full continuation gives, on every architecture (rotary
/// offsets, sliding windows, grouped keys and values, sandwich norms, parallel blocks).
/// </summary>
[TestFixture]
public class TailForwardTests
{
    static readonly ModelConfig[] Architectures = [TestModels.Gpt2Like, TestModels.AttentionOnlyNoNorm, .. TestModels.Modern];

    [TestCaseSource(nameof(Architectures))]
    public void AChangedTailGivesTheRowsOfTheFullContinuation(ModelConfig config)
    {
        using var model = TestModels.CreateDense(config, seed: 21);
        using var scope = NewDisposeScope();
        const int length = 11, first = 6;
        var tokens = TestModels.Tokens(config, 2, length, seed: 22);
        for (int start = 0; start < config.Layers; start++)
        {
            int layer = start;
            var (_, cache) = model.RunWithCache(tokens);
            using (cache)
            {
                // A change at the tail's positions only: the earlier rows of every later layer stay those of the cached run.
                var residual = cache[model.Hooks.Layers[layer].ResidPre].clone();
                var generator = new Generator(23);
                residual.narrow(1, first, length - first).add_(randn(residual.narrow(1, first, length - first).shape, generator: generator));
                var full = model.ForwardFrom(layer, residual).narrow(1, first, length - first);
                KeyValuePrefix Prefix(int l) => new(cache[model.PrefixKeyHook(l)].narrow(1, 0, first), cache[model.Hooks.Layers[l].V].narrow(1, 0, first));
                var tail = model.ForwardTail(layer, residual.narrow(1, first, length - first), first, Prefix);
                Assert.That(TestModels.MaxRelativeError(tail, full), Is.LessThan(1e-5), $"from layer {layer}");
            }
        }
    }

    [Test]
    public void TheFinalStreamCanBeAskedForAndHooksFireOnTheTail()
    {
        var config = TestModels.LlamaLike;
        using var model = TestModels.CreateDense(config, seed: 24);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(config, 1, 9, seed: 25);
        var (_, cache) = model.RunWithCache(tokens);
        using (cache)
        {
            var n = model.Hooks.Layers[1];
            KeyValuePrefix Prefix(int l) => new(cache[model.PrefixKeyHook(l)].narrow(1, 0, 7), cache[model.Hooks.Layers[l].V].narrow(1, 0, 7));
            using var tailCache = new ActivationCache();
            var final = model.ForwardTail(1, cache[n.ResidPre].narrow(1, 7, 2), 7, Prefix,
                new RunOptions { StopAtLayer = config.Layers, Cache = tailCache, CacheFilter = name => name == n.Pattern });
            Assert.That(TestModels.MaxRelativeError(final, cache[n.ResidPost].narrow(1, 7, 2)), Is.LessThan(1e-6));
            Assert.That(tailCache[n.Pattern].shape, Is.EqualTo(new long[] { 1, config.Heads, 2, 9 }), "queries of the tail, every key");
            Assert.That(TestModels.MaxRelativeError(tailCache[n.Pattern], cache[n.Pattern].narrow(2, 7, 2)), Is.LessThan(1e-6));
        }
    }

    [Test]
    public void APrefixOfTheWrongShapeIsRefused()
    {
        var config = TestModels.LlamaLike;
        using var model = TestModels.CreateDense(config);
        using var scope = NewDisposeScope();
        var wrong = new KeyValuePrefix(zeros(1, 3, config.Heads, config.DHead), zeros(1, 3, config.Heads, config.DHead)); // query heads, not kv heads
        Assert.That(() => model.ForwardTail(0, zeros(1, 2, config.DModel), 3, _ => wrong),
            Throws.ArgumentException.With.Message.Contains("prefix of layer 0").And.Message.Contains("[1, 3, 2, 8]"));
    }
}
