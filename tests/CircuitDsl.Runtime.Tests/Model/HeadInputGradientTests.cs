using CircuitDsl.TestSupport;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

/// <summary>Per-head input gradients from a plain backward against autograd through the split q/k/v inputs.</summary>
[TestFixture]
public class HeadInputGradientTests
{
    static readonly ModelConfig[] Configs = [TestModels.Gpt2Like, TestModels.AttentionOnlyNoNorm, TestModels.AttentionOnlyWithNorm, .. TestModels.Modern];

    [TestCaseSource(nameof(Configs))]
    public void GradientsAtEachHeadsInputCopyAreWhatTheSplitInputsReceive(ModelConfig config)
    {
        using var model = TestModels.CreateDense(config);
        long before = LiveTensors.Count();
        try
        {
            Compare(model, config);
        }
        finally
        {
            foreach (var t in KeptTensors) t.Dispose();
            KeptTensors.Clear();
        }
        Assert.That(Tensor.TotalCount, Is.EqualTo(before), "every tensor of the test is freed");
    }

    static void Compare(HookedTransformer model, ModelConfig config)
    {
        using var scope = NewDisposeScope();
        var tokens = TestModels.Tokens(config, 3, 6, 4);
        Tensor Metric(Tensor logits) => logits.log_softmax(-1)[.., -1, 1].sum() + logits[.., 2, 3].sum();
        var names = model.Hooks.Layers;

        // The reference: the split inputs are in the graph, and autograd differentiates with respect to them.
        var split = new Dictionary<string, Tensor>();
        var reference = new List<Intervention> { Leaf(out var splitLeaf) };
        foreach (var n in names)
            foreach (string hook in new[] { n.QInput, n.KInput, n.VInput })
                // k and v read one view of the stream: a copy each keeps their gradients apart.
                reference.Add(Intervention.Custom(hook, (a, _) => split[hook] = Kept(a.clone())));
        var splitMetric = Metric(model.Forward(tokens, new RunOptions { Gradients = true, Interventions = reference }));
        var expected = autograd.grad([splitMetric], [.. split.Values]);

        // The plain forward: gradients at hook_q, hook_k, hook_v and the blocks' inputs, then HeadInputGradients.
        var plain = new Dictionary<string, Tensor>();
        var interventions = new List<Intervention> { Leaf(out _) };
        foreach (var n in names)
            foreach (string hook in new[] { n.Q, n.K, n.V, n.ResidPre })
                interventions.Add(Intervention.Custom(hook, (a, _) => plain[hook] = Kept(a)));
        var plainMetric = Metric(model.Forward(tokens, new RunOptions { Gradients = true, Interventions = interventions }));
        Assert.That(plainMetric.item<float>(), Is.EqualTo(splitMetric.item<float>()).Within(1e-4).Percent);
        var qkv = names.SelectMany(n => new[] { plain[n.Q], plain[n.K], plain[n.V] }).ToArray();
        var gradients = autograd.grad([plainMetric], qkv);
        int i = 0;
        foreach (var n in names)
        {
            var (dq, dk, dv) = (gradients[3 * n.Layer], gradients[3 * n.Layer + 1], gradients[3 * n.Layer + 2]);
            // Readers first: [heads + 2·kv heads, B, pos, d] back to the split hooks' [B, pos, heads, d].
            var readers = model.HeadInputGradients(n.Layer, plain[n.ResidPre], dq, dk, dv).permute(1, 2, 0, 3).split([dq.shape[2], dk.shape[2], dv.shape[2]], 2);
            var (q, k, v) = (readers[0], readers[1], readers[2]);
            foreach (var (actual, hook) in new[] { (q, n.QInput), (k, n.KInput), (v, n.VInput) })
            {
                var want = expected[split.Keys.ToList().IndexOf(hook)];
                Assert.That(actual.shape, Is.EqualTo(want.shape), hook);
                Assert.That(TestModels.MaxRelativeError(actual, want), Is.LessThan(1e-5), hook);
                i++;
            }
        }
        Assert.That(i, Is.EqualTo(3 * config.Layers));
        GC.KeepAlive(splitLeaf);
    }

    static readonly ModelConfig[] Normed = [.. Configs.Where(c => c.Normalization != Normalization.None)];

    /// <summary>
    /// ln1's Jacobian product is the first-order change of ln1's normalized output (central difference of the hooked
    /// forward) and is symmetric, ⟨J·a, b⟩ = ⟨a, J·b⟩: EAP applies it to whichever side has fewer copies.
    /// </summary>
    [TestCaseSource(nameof(Normed))]
    public void Ln1sJacobianProductIsTheNormalizedOutputsFirstOrderChangeAndSymmetric(ModelConfig config)
    {
        using var model = TestModels.CreateDense(config);
        long before = LiveTensors.Count();
        try
        {
            using (NewDisposeScope())
            {
                var n = model.Hooks.Layers[^1];
                var tokens = TestModels.Tokens(config, 2, 5, 9);
                var generator = new Generator(17);
                var change = randn([2, 2, 5, config.DModel], generator: generator);
                Tensor Normalized(Tensor? added)
                {
                    Tensor? seen = null, stream = null;
                    var interventions = new List<Intervention>
                    {
                        Intervention.Custom(n.ResidPre, (a, _) => stream = added is null ? Kept(a.clone()) : a + added),
                        Intervention.Custom(n.Ln1Normalized, (a, _) => seen = Kept(a.clone())),
                    };
                    model.Forward(tokens, new RunOptions { Interventions = interventions });
                    return added is null ? stream! : seen!;
                }
                var residPre = Normalized(null);
                const double step = 1e-2; // float32: truncation O(step²), rounding O(ulp / step)
                var linearized = model.Ln1Linearized(n.Layer, residPre, change);
                for (int k = 0; k < 2; k++)
                {
                    var difference = (Normalized(change[k] * step) - Normalized(change[k] * -step)) / (2 * step);
                    Assert.That(((linearized[k] - difference).abs().max() / difference.abs().max()).item<float>(), Is.LessThan(2e-3), $"copy {k}");
                }
                double ab = (linearized[0] * change[1]).sum().item<float>(), ba = (change[0] * linearized[1]).sum().item<float>();
                Assert.That(ab, Is.EqualTo(ba).Within(1e-5 * Math.Abs(ab)));
            }
        }
        finally
        {
            foreach (var t in KeptTensors) t.Dispose();
            KeptTensors.Clear();
        }
        Assert.That(LiveTensors.Count(), Is.EqualTo(before), "every tensor of the test is freed");
    }

    /// <summary>With weight matrices kept in bfloat16 the products run on their widened copies: the float32 model of the same values gives the same gradients.</summary>
    [Test]
    public void HalfPrecisionWeightsGiveTheWidenedModelsGradients()
    {
        var config = TestModels.Gpt2Like;
        using var wide = TestModels.CreateDense(config);
        using var half = new HookedTransformer(config, ScalarType.BFloat16);
        long before = LiveTensors.Count();
        using (NewDisposeScope())
        {
            using (no_grad())
            {
                var target = half.named_parameters().ToDictionary(p => p.name, p => p.parameter);
                Assert.That(target["blocks.1.attn.W_K"].dtype, Is.EqualTo(ScalarType.BFloat16));
                foreach (var (name, p) in wide.named_parameters())
                {
                    target[name].copy_(p);      // rounded to bfloat16 where the matrix is kept so
                    p.copy_(target[name]);      // and the float32 model takes the rounded values
                }
            }
            var generator = new Generator(3);
            var residPre = randn([2, 4, config.DModel], generator: generator);
            Tensor Gradient(long heads) => randn([2, 4, heads, config.DHead], generator: generator);
            var (q, k, v) = (Gradient(config.Heads), Gradient(config.KvHeads), Gradient(config.KvHeads));
            var want = wide.HeadInputGradients(1, residPre, q, k, v);
            var got = half.HeadInputGradients(1, residPre, q, k, v);
            Assert.That(got.dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(TestModels.MaxRelativeError(got, want), Is.LessThan(1e-6));
        }
        Assert.That(LiveTensors.Count(), Is.EqualTo(before), "every tensor of the test is freed");
    }

    /// <summary>An activation kept past the forward's dispose scope (the backward reads it), freed when the test ends.</summary>
    static Tensor Kept(Tensor a)
    {
        var held = a.DetachFromDisposeScope();
        KeptTensors.Add(held);
        return held;
    }

    static readonly List<Tensor> KeptTensors = [];

    /// <summary>The token embedding as a leaf that requires grad, so that the whole forward is differentiated.</summary>
    static Intervention Leaf(out Tensor?[] holder)
    {
        var box = new Tensor?[1];
        holder = box;
        return Intervention.Custom(HookNames.Embed, (a, _) => box[0] = Kept(a.detach().requires_grad_(true)));
    }
}
