using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>
/// A GPT-2-shaped checkpoint with random weights, written in Hugging Face layout, must load through the HF path
/// and compute what an independent plain re-implementation of GPT-2 computes from the HF tensors.
/// </summary>
public class HfGpt2CheckpointTests
{
    [OneTimeSetUp]
    public void LoadTorch() => TorchNative.EnsureLoaded();

    [TestCase(false, false, true, TestName = "Plain names, tied")]
    [TestCase(true, true, true, TestName = "transformer. prefix and mask buffers, tied")]
    [TestCase(false, false, false, TestName = "Untied lm_head")]
    public void LogitsMatchThePlainReferenceForward(bool prefix, bool maskBuffers, bool tied)
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint(layers: 2, heads: 4, dModel: 32, vocab: 50, context: 16, seed: 11, tied: tied);
        checkpoint.Write(dir.Path, prefix, maskBuffers);

        using var loaded = ModelLoader.Load(dir.Path);
        using var reference = new ReferenceGpt2(checkpoint.Tensors, heads: 4);
        using var scope = NewDisposeScope();
        var tokens = Tokens(50, 3, 16, seed: 12);
        var expected = reference.Forward(tokens);
        var actual = loaded.Model.Forward(tokens);

        Assert.That(loaded.Format, Is.EqualTo(ModelFormat.HuggingFaceGpt2));
        Assert.That(loaded.Tokenizer, Is.SameAs(Gpt2Tokenizer.Instance));
        Assert.That(loaded.Model.Config.TiedUnembedding, Is.EqualTo(tied));
        Assert.That(expected.std().item<float>(), Is.GreaterThan(1f), "the logits are far from uniform, so a wrong weight would show");
        var error = ((actual - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.That(error, Is.LessThan(1e-5));
    }

    [Test]
    public void ConfigIsReadAsGpt2()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint();
        checkpoint.Write(dir.Path);

        Assert.That(ModelLoader.DetectFormat(dir.Path), Is.EqualTo(ModelFormat.HuggingFaceGpt2));
        using var loaded = ModelLoader.Load(dir.Path);
        var c = loaded.Model.Config;
        Assert.That((c.Layers, c.Heads, c.DModel, c.DHead, c.DMlp, c.VocabSize, c.ContextLength), Is.EqualTo((2, 4, 32, 8, 128, 50, 16)));
        Assert.That((c.Activation, c.Normalization, c.TiedUnembedding), Is.EqualTo((Activation.GeluNew, Normalization.LayerNorm, true)));
        Assert.That(loaded.Model.b_U.abs().sum().item<float>(), Is.Zero);
    }

    [Test]
    public void MissingAndWrongShapedHfTensorsAreNamed()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint();
        using (var scope = NewDisposeScope())
        {
            checkpoint.Tensors["h.0.attn.c_proj.bias"].Dispose();
            checkpoint.Tensors["h.0.attn.c_proj.bias"] = zeros(31).DetachFromDisposeScope();
        }
        checkpoint.Write(dir.Path, transformerPrefix: true, keep: name => name != "h.1.mlp.c_fc.weight");
        string weights = Path.Combine(dir.Path, "model.safetensors");

        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path).Dispose())!;
        Assert.That(e.Message, Does.Contain(weights));
        Assert.That(e.Message, Does.Contain("missing tensor(s) 'h.1.mlp.c_fc.weight'"));
        Assert.That(e.Message, Does.Contain("'h.0.attn.c_proj.bias' has shape [31], expected [32]"));
    }

    [Test]
    public void UnsupportedModelTypeIsNamed()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), """{"model_type":"mamba","n_layer":2}""");
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path).Dispose())!;
        Assert.That(e.Message, Does.Contain(dir.File("config.json")).And.Contain("mamba").And.Contain("model_type"));
    }

    [Test]
    public void PickleOnlyCheckpointIsExplained()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint();
        File.WriteAllText(dir.File("config.json"), checkpoint.Config().ToJsonString());
        File.WriteAllBytes(dir.File("pytorch_model.bin"), [0x80]);
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir.Path).Dispose())!;
        Assert.That(e.Message, Does.Contain("model.safetensors").And.Contain("pytorch_model.bin"));
    }
}
