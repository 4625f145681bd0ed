using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

[TestFixture]
public class InterventionTests
{
    static readonly ModelConfig Config = TestModels.Gpt2Like;

    [Test]
    public void ReplaceRestrictedToAHeadAndAPositionChangesOnlyThatSlice()
    {
        using var model = TestModels.Create(Config);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(Config, 2, 8, seed: 11);
        string z = model.Hooks.Layers[0].Z;
        var (_, clean) = model.RunWithCache(tokens, name => name == z);
        using var patchedCache = new ActivationCache();
        var ablate = Intervention.Replace(z, zeros(1), new Selection { Heads = [1], Positions = [3, 5] });
        using (model.Forward(tokens, new RunOptions { Interventions = [ablate], Cache = patchedCache, CacheFilter = n => n == z })) { }
        using (clean)
        {
            var changed = (patchedCache[z] != clean[z]).any(-1); // [batch, pos, head]
            var expected = zeros(2, 8, Config.Heads, dtype: ScalarType.Bool);
            expected[TensorIndex.Colon, TensorIndex.Tensor(tensor(new long[] { 3, 5 })), 1] = tensor(true);
            Assert.That(changed.Same(expected), Is.True);
            Assert.That(patchedCache[z][TensorIndex.Colon, 3, 1].abs().sum().item<float>(), Is.Zero);
        }
    }

    [Test]
    public void PerExamplePositionMaskSelectsDifferentPositionsPerPrompt()
    {
        using var model = TestModels.Create(Config);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(Config, 2, 6, seed: 12);
        string resid = model.Hooks.Layers[1].ResidPre;
        var mask = zeros(2, 6, dtype: ScalarType.Bool);
        mask[0, 1] = tensor(true);
        mask[1, 4] = tensor(true);
        using var cache = new ActivationCache();
        var add = Intervention.Add(resid, ones(Config.DModel), new Selection { PositionMask = mask });
        using (model.Forward(tokens, new RunOptions { Interventions = [add], Cache = cache, CacheFilter = n => n == resid })) { }
        var (_, clean) = model.RunWithCache(tokens, n => n == resid);
        using (clean)
        {
            var difference = (cache[resid] - clean[resid]).mean([-1]);
            Assert.That(difference.Same(mask.to(ScalarType.Float32)), Is.True);
        }
    }

    [Test]
    public void AnInterventionOfTheWrongShapeNamesTheHookAndBothShapes()
    {
        using var model = TestModels.Create(Config);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(Config, 2, 6, seed: 13);
        string hook = model.Hooks.Layers[0].AttnOut;
        var bad = Intervention.Replace(hook, zeros(2, 6, Config.DModel + 1));
        var error = Assert.Throws<ShapeMismatchException>(() => model.RunWithInterventions(tokens, bad).Dispose());
        Assert.That(error!.Message, Does.Contain(hook).And.Contain("[2, 6, 24]").And.Contain("[2, 6, 25]"));
    }

    [Test]
    public void AnUnknownHookNameIsRefusedBeforeAnyCompute()
    {
        using var model = TestModels.Create(Config);
        using var tokens = TestModels.Tokens(Config, 1, 4, seed: 14);
        var error = Assert.Throws<KeyNotFoundException>(() => model.RunWithInterventions(tokens, Intervention.Add("blocks.5.hook_resid_pre", zeros(1))));
        Assert.That(error!.Message, Does.Contain("blocks.5.hook_resid_pre"));
    }

    [Test]
    public void AHeadSelectionOnAHookWithoutHeadsIsRefused()
    {
        using var model = TestModels.Create(Config);
        using var tokens = TestModels.Tokens(Config, 1, 4, seed: 15);
        var bad = Intervention.Replace(model.Hooks.Layers[0].ResidPre, zeros(1), Selection.ForHeads(0));
        Assert.Throws<ArgumentException>(() => model.RunWithInterventions(tokens, bad).Dispose());
    }

    [Test]
    public void HookListFollowsTheArchitecture()
    {
        using var gpt2 = TestModels.Create(TestModels.Gpt2Like);
        using var attnOnly = TestModels.Create(TestModels.AttentionOnlyNoNorm);
        var gpt2Names = gpt2.Hooks.All.Select(h => h.Name).ToList();
        var attnNames = attnOnly.Hooks.All.Select(h => h.Name).ToList();
        Assert.That(gpt2Names, Does.Contain("blocks.1.mlp.hook_post").And.Contain("ln_final.hook_scale").And.Contain("blocks.0.hook_k_input"));
        Assert.That(attnNames, Does.Not.Contain("blocks.0.hook_mlp_out").And.Not.Contain("ln_final.hook_scale").And.Not.Contain("blocks.0.hook_resid_mid"));
        Assert.That(attnNames, Does.Contain("blocks.1.attn.hook_pattern").And.Contain("blocks.1.attn.hook_result"));
    }

    [Test]
    public void InAParallelBlockAPatchAtHookMlpInChangesTheMlpAlone()
    {
        // hook_mlp_in is the MLP's own copy of the block's input: the heads read resid_pre unchanged, and the block
        // writes resid_pre + attn_out + MLP(resid_pre + delta).
        var config = TestModels.NeoxLike;
        using var model = TestModels.CreateDense(config, seed: 3);
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(config, 2, 7, seed: 4);
        var (_, clean) = model.RunWithCache(tokens);
        var n = model.Hooks.Layers[1];
        var delta = 0.5 * randn(2, 7, config.DModel, generator: new Generator(5));
        using var cache = new ActivationCache();
        model.Forward(tokens, new RunOptions { Interventions = [Intervention.Custom(n.MlpIn, (a, _) => a + delta)], Cache = cache });
        using (clean)
        {
            Assert.That(TestModels.MaxRelativeError(cache[n.AttnOut], clean[n.AttnOut]), Is.Zero, "the heads read the block's input unchanged");
            var expected = clean[n.ResidPre] + clean[n.AttnOut] + model.MlpOut(1, clean[n.ResidPre] + delta);
            Assert.That(TestModels.MaxRelativeError(cache[n.ResidPost], expected), Is.LessThan(1e-6));
            Assert.That(TestModels.MaxRelativeError(cache[n.ResidPost], clean[n.ResidPost]), Is.GreaterThan(1e-3), "the patch reached the MLP");
        }
        Assert.That(model.Hooks.All.Select(h => h.Name), Does.Contain(n.MlpIn).And.Not.Contain(n.ResidMid));
        using var sequential = TestModels.Create(TestModels.Gpt2Like);
        Assert.That(sequential.Hooks.All.Select(h => h.Name), Does.Not.Contain("blocks.0.hook_mlp_in"), "a sequential block's MLP reads resid_mid");
    }
}
