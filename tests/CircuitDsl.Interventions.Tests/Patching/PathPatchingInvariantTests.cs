using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Patching;

/// <summary>
/// Anchors §6 B: path-patching invariants, on a model with MLPs and LayerNorm, on an attention-only one without, and
/// on Llama-like (grouped-query attention, rotary, RMSNorm, SwiGLU), GPT-NeoX-like (parallel blocks, partial rotary)
/// and Gemma-2-like (sandwich norms, soft-caps, a sliding window shorter than the prompts) models.
/// </summary>
[TestFixture]
public class PathPatchingInvariantTests
{
    static readonly ModelConfig[] Architectures = RandomModels.All;
    static PatchEndpoint E(Component c, PositionSet? at = null) => PatchEndpoint.At(c, at);
    static PathPatchSpec ToLogits(params PatchEndpoint[] senders) => PathPatchSpec.Of(senders, E(Component.Logits));

    [TestCaseSource(nameof(Architectures))]
    public void AnEmptySenderSetLeavesTheCleanRun(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        Assert.That(RandomModels.Same(f.FastFinal(ToLogits()), f.Clean.Final), Is.True);
        Assert.That(RandomModels.Same(f.FastFinal(PathPatchSpec.Of([], E(Component.Head(2, 0, Channel.Key)))), f.Clean.Final), Is.True);
    }

    [TestCaseSource(nameof(Architectures))]
    public void SendersAtOrAfterTheReceiversLayerHaveExactlyZeroEffect(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var late = new List<PatchEndpoint> { E(Component.Head(1, 0)), E(Component.Head(1, 1)), E(Component.Head(2, 0)) };
        if (config.HasMlp) late.Add(E(Component.Mlp(1)));
        foreach (var sender in late)
            Assert.That(RandomModels.Same(f.FastFinal(PathPatchSpec.Of([sender], E(Component.Head(1, 0, Channel.Key)))), f.Clean.Final), Is.True, sender.ToString());
    }

    [TestCaseSource(nameof(Architectures))]
    public void SendersPatchedOnlyAfterTheReceiversPositionHaveExactlyZeroEffectThere(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var later = PositionSet.At(5, 6, 7);
        var atLogits = f.FastFinal(PathPatchSpec.Of([E(Component.Head(0, 0), later), E(Component.Head(1, 1), later)], E(Component.Logits, PositionSet.At(4))));
        Assert.That(RandomModels.Same(atLogits, f.Clean.Final), Is.True, "logits receiver at position 4");
        var atKey = f.FastFinal(PathPatchSpec.Of([E(Component.Head(0, 1), later), E(Component.Embed, later)], E(Component.Head(2, 1, Channel.Query), PositionSet.At(3))));
        Assert.That(RandomModels.Same(atKey, f.Clean.Final), Is.True, "query receiver at position 3");
        // The same senders at the receiver's position do change it (the test above can fail).
        var reaching = f.FastFinal(PathPatchSpec.Of([E(Component.Head(0, 1), PositionSet.At(3))], E(Component.Head(2, 1, Channel.Query), PositionSet.At(3))));
        Assert.That(RandomModels.Same(reaching, f.Clean.Final), Is.False);
    }

    [TestCaseSource(nameof(Architectures))]
    public void APositionNoSenderChangesKeepsTheCleanStreamExactlyAmongChangedOnes(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        // Senders everywhere but position 0: nearly every position changes; the unchanged one keeps the clean stream
        // exactly (and so the metric reads the clean value there).
        var rest = PositionSet.At(1, 2, 3, 4, 5, 6, 7);
        var spec = ToLogits(E(Component.Head(0, 0), rest), E(Component.Head(1, 1), rest));
        var patched = f.FastFinal(spec);
        Assert.That(RandomModels.Same(patched.select(1, 0), f.Clean.Final.select(1, 0)), Is.True, "position 0");
        Assert.That(RandomModels.Same(patched, f.Clean.Final), Is.False);
        Assert.That(RandomModels.MaxRelativeError(f.Fast(spec), f.Literal(spec)), Is.LessThan(1e-5));
    }

    [TestCaseSource(nameof(Architectures))]
    public void PatchingEverySenderIntoTheLogitsGivesTheCorruptedRun(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var senders = f.AllHeads().Append(E(Component.Embed)).ToList();
        if (!config.IsRotary) senders.Add(E(Component.PosEmbed)); // rotary models have no learned position embedding
        if (config.HasMlp) senders.AddRange(Enumerable.Range(0, config.Layers).Select(l => E(Component.Mlp(l))));
        Assert.That(RandomModels.MaxRelativeError(f.Fast(ToLogits([.. senders])), f.Corrupted.Logits), Is.LessThan(1e-5));
        Assert.That(RandomModels.MaxRelativeError(f.Literal(ToLogits([.. senders])), f.Corrupted.Logits), Is.LessThan(1e-5));
    }

    [Test]
    public void WithoutTheEmbeddingsTheGapIsTheDirectEmbeddingPath()
    {
        using var f = new PathPatchingFixture(RandomModels.AttentionOnly);
        using var scope = NewDisposeScope();
        var patched = f.Fast(ToLogits([.. f.AllHeads()]));
        var embedGap = (f.Clean.Cache["hook_embed"] - f.Corrupted.Cache["hook_embed"]).matmul(f.Model.W_U);
        Assert.That(RandomModels.MaxRelativeError(patched - f.Corrupted.Logits, embedGap), Is.LessThan(1e-4));
    }

    [Test]
    public void EffectsAddInAnAttentionOnlyModelWithoutLayerNorm()
    {
        using var f = new PathPatchingFixture(RandomModels.AttentionOnly);
        using var scope = NewDisposeScope();
        PatchEndpoint[] s1 = [E(Component.Head(0, 0)), E(Component.Head(1, 1), PositionSet.At(2, 5))], s2 = [E(Component.Head(2, 1)), E(Component.Embed, PositionSet.Named("END"))];
        var d1 = f.Fast(ToLogits(s1)) - f.Clean.Logits;
        var d2 = f.Fast(ToLogits(s2)) - f.Clean.Logits;
        var both = f.Fast(ToLogits([.. s1, .. s2])) - f.Clean.Logits;
        Assert.That(RandomModels.MaxRelativeError(both, d1 + d2), Is.LessThan(1e-5));
        var literalBoth = f.Literal(ToLogits([.. s1, .. s2])) - f.Clean.Logits;
        Assert.That(RandomModels.MaxRelativeError(literalBoth, d1 + d2), Is.LessThan(1e-4));
    }

    [TestCaseSource(nameof(Architectures))]
    public void InTheFreezingPassEveryNonSenderHeadEqualsTheCleanCacheBitForBit(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var literal = new LiteralPathPatcher(f.Hooks);
        var (clean, corrupted) = literal.Cache(f.CleanTokens, f.CorruptedTokens);
        var spec = PathPatchSpec.Of([E(Component.Head(0, 1)), E(Component.Head(1, 0), PositionSet.At(3))], E(Component.Head(2, 0, Channel.Value)));
        using (clean)
        using (corrupted)
        using (var passC = literal.PassC(spec, f.CleanTokens, clean, corrupted, f.Data.Examples))
        {
            for (int l = 0; l < config.Layers; l++)
                for (int h = 0; h < config.Heads; h++)
                {
                    var name = f.Model.Hooks.Layers[l].Result;
                    bool sender = (l, h) is (0, 1) or (1, 0);
                    bool same = RandomModels.Same(passC[name].select(2, h), clean[name].select(2, h));
                    Assert.That(same, Is.EqualTo(!sender), $"L{l}.H{h}");
                }
            // The receiver's recorded input differs from clean (a direct path exists from both senders).
            var input = f.Model.Hooks.Layers[2].VInput;
            using var cleanRun = f.Model.RunWithCache(f.CleanTokens, n => n == input).Cache;
            Assert.That(RandomModels.Same(passC[input].select(2, 0), cleanRun[input].select(2, 0)), Is.False);
        }
    }

    static IEnumerable<TestCaseData> Specs()
    {
        foreach (var config in Architectures)
        {
            yield return new TestCaseData(config, ToLogits(E(Component.Head(0, 0)), E(Component.Head(1, 1), PositionSet.At(2, 6)))).SetArgDisplayNames(config.Name, "heads -> logits");
            yield return new TestCaseData(config, PathPatchSpec.Of([E(Component.Head(0, 0)), E(Component.Embed, PositionSet.Named("MID"))], E(Component.Head(2, 0, Channel.Key)), E(Component.Head(1, 1, Channel.Query), PositionSet.Named("END")))).SetArgDisplayNames(config.Name, "-> k, q");
            yield return new TestCaseData(config, PathPatchSpec.Of([E(Component.Head(1, 0))], E(Component.Head(2, 1, Channel.Value), PositionSet.At(1, 4)))).SetArgDisplayNames(config.Name, "-> v at positions");
            if (config.HasMlp)
            {
                yield return new TestCaseData(config, ToLogits(E(Component.Mlp(0)), E(Component.Head(0, 2)))).SetArgDisplayNames(config.Name, "mlp -> logits");
                yield return new TestCaseData(config, PathPatchSpec.Of([E(Component.Head(0, 2))], E(Component.Logits)) with { FreezeMlps = true }).SetArgDisplayNames(config.Name, "frozen mlps");
                yield return new TestCaseData(config, PathPatchSpec.Of([E(Component.Head(0, 1))], E(Component.Head(2, 0, Channel.Query))) with { FreezeLayerNorm = true }).SetArgDisplayNames(config.Name, "frozen ln");
                // Sandwich norms: ln1_post and ln2_post freeze too; parallel blocks: MLP 1 does not read L1's heads.
                yield return new TestCaseData(config, ToLogits(E(Component.Mlp(0), PositionSet.Named("END")), E(Component.Head(1, 1)), E(Component.Head(1, 2), PositionSet.At(3, 7))) with { FreezeLayerNorm = true }).SetArgDisplayNames(config.Name, "frozen ln -> logits");
                yield return new TestCaseData(config, ToLogits(E(Component.Head(1, 0)), E(Component.Head(1, 2)), E(Component.Mlp(1)))).SetArgDisplayNames(config.Name, "one layer's heads and mlp -> logits");
            }
            if (config.QueriesPerKvHead > 1)
            {
                // Receivers that share a key/value head (L2.H0, L2.H1) and one that does not (L2.H3), at different positions.
                yield return new TestCaseData(config, PathPatchSpec.Of([E(Component.Head(0, 2)), E(Component.Head(1, 3), PositionSet.At(2, 5)), E(Component.Embed, PositionSet.Named("MID"))],
                    E(Component.Head(2, 0, Channel.Key), PositionSet.At(1, 4)), E(Component.Head(2, 1, Channel.Key), PositionSet.At(6)), E(Component.Head(2, 3, Channel.Value)))).SetArgDisplayNames(config.Name, "-> shared k, v");
                yield return new TestCaseData(config, PathPatchSpec.Of([E(Component.Head(1, 1))], E(Component.Head(2, 2, Channel.Query)), E(Component.Head(2, 3, Channel.Query), PositionSet.Named("END")))).SetArgDisplayNames(config.Name, "-> q of one group");
            }
        }
    }

    [TestCaseSource(nameof(Specs))]
    public void TheCachedFormEqualsTheLiteralAlgorithm(ModelConfig config, PathPatchSpec spec)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        Assert.That(RandomModels.MaxRelativeError(f.Fast(spec), f.Literal(spec)), Is.LessThan(1e-5));
        Assert.That(RandomModels.Same(f.FastFinal(spec), f.Clean.Final), Is.False, "the patch must change something");
    }

    static IEnumerable<TestCaseData> SweepReceivers()
    {
        foreach (var config in RandomModels.Modern)
            foreach (var (name, receivers) in new[]
            {
                ("logits", ToLogits()),
                ("q", PathPatchSpec.Of([], E(Component.Head(2, 1, Channel.Query), PositionSet.Named("END")))),
                ("k", PathPatchSpec.Of([], E(Component.Head(2, 1, Channel.Key)))),
                ("v", PathPatchSpec.Of([], E(Component.Head(2, 2, Channel.Value), PositionSet.At(2, 6)))),
                ("frozen", ToLogits() with { FreezeLayerNorm = true }),
            })
                yield return new TestCaseData(config, receivers).SetArgDisplayNames(config.Name, name);
    }

    /// <summary>Every head, MLP and the embedding, one sender at a time, batched: equal to the literal algorithm run per sender.</summary>
    [TestCaseSource(nameof(SweepReceivers))]
    public void EverySenderOfTheNewArchitecturesEqualsTheLiteralAlgorithm(ModelConfig config, PathPatchSpec receivers)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var senders = f.AllHeads().Append(E(Component.Embed)).Concat(Enumerable.Range(0, config.Layers).Select(l => E(Component.Mlp(l)))).ToArray();
        var batched = f.Fast(receivers, senders.Select(s => (IReadOnlyList<PatchEndpoint>)[s]).ToArray(), maxRows: 3 * f.References.Length);
        for (int i = 0; i < senders.Length; i++)
            Assert.That(RandomModels.MaxRelativeError(batched[i], f.Literal(receivers with { Senders = [senders[i]] })), Is.LessThan(1e-5), $"{senders[i]} -> {string.Join(", ", receivers.Receivers)}");
    }

    [TestCaseSource(nameof(Architectures))]
    public void BatchedSweepEqualsOneSenderAtATime(ModelConfig config)
    {
        using var f = new PathPatchingFixture(config);
        using var scope = NewDisposeScope();
        var senders = f.AllHeads().Append(E(Component.Embed))
            .Concat(config.HasMlp ? Enumerable.Range(0, config.Layers).Select(l => E(Component.Mlp(l), PositionSet.Named("MID"))) : []).ToArray();
        foreach (var receivers in new[] { ToLogits(), PathPatchSpec.Of([], E(Component.Head(2, 0, Channel.Key)), E(Component.Head(2, 1, Channel.Query))) })
        {
            var batched = f.Fast(receivers, senders.Select(s => (IReadOnlyList<PatchEndpoint>)[s]).ToArray(), maxRows: 4 * f.References.Length);
            for (int i = 0; i < senders.Length; i++)
            {
                var alone = f.Fast(receivers with { Senders = [senders[i]] });
                Assert.That(RandomModels.MaxRelativeError(batched[i], alone), Is.LessThan(1e-5), $"{senders[i]} -> {string.Join(", ", receivers.Receivers)}");
            }
        }
    }
}
