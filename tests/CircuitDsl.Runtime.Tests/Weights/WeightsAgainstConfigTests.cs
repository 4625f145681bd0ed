using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using static CircuitDsl.Runtime.Tests.Weights.ConfigTestFolders;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>
/// The weights file is checked against the config from its header alone, before the model is allocated: a config
/// that disagrees with its weights is a message naming the tensor and both shapes, however large the config says the model is.
/// </summary>
public class WeightsAgainstConfigTests
{
    [OneTimeSetUp]
    public void LoadTorch() => TorchNative.EnsureLoaded();

    static string Refusal(string folder)
    {
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(folder).Dispose())!;
        Assert.That(e.Message, Does.StartWith(Path.Combine(folder, ModelFolder.WeightsFile)));
        return e.Message;
    }

    [Test]
    public void AZooConfigWiderThanItsWeights()
    {
        using var dir = new TempDir();
        using (var model = RandomModel(AttentionOnlyNoNorm)) ModelFolder.Save(model, dir.Path, TokenizerSpec.Integer(AttentionOnlyNoNorm.VocabSize), overwrite: true);
        var config = JsonNode.Parse(File.ReadAllText(dir.File(ModelFolder.ConfigFile)))!.AsObject();
        config["d_model"] = 32;
        config["d_head"] = 16;
        WriteConfig(dir.Path, config);

        Assert.That(Refusal(dir.Path), Does.Contain("tensor 'embed.W_E' has shape [20, 16], expected [20, 32]")
            .And.Contain("tensor 'blocks.1.attn.W_Q' has shape [2, 16, 8], expected [2, 32, 16]"));
    }

    [Test]
    public void AHuggingFaceConfigWiderThanItsWeights()
    {
        using var dir = new TempDir();
        using (var checkpoint = new RandomGpt2Checkpoint(dModel: 32)) checkpoint.Write(dir.Path);
        var config = JsonNode.Parse(File.ReadAllText(dir.File(ModelFolder.ConfigFile)))!.AsObject();
        config["n_embd"] = 64;
        WriteConfig(dir.Path, config);

        Assert.That(Refusal(dir.Path), Does.Contain("tensor 'wte.weight' has shape [50, 32], expected [50, 64]")
            .And.Contain("tensor 'h.0.attn.c_attn.weight' has shape [32, 96], expected [64, 192]"));
    }

    [Test]
    public void ATensorOfAnUnreadableDTypeIsRefusedBeforeTheModelIsBuilt()
    {
        using var dir = new TempDir();
        var config = WriteTinyZooFolder(dir.Path);
        File.WriteAllBytes(dir.File(ModelFolder.WeightsFile), ZeroTensors(ParameterShapes.Of(config), name => name == "embed.W_E" ? "I32" : "F32"));

        Assert.That(Refusal(dir.Path), Does.Contain("tensor 'embed.W_E' has dtype I32; this reader converts only F32, F16, BF16"));
    }

    [Test]
    public void TheHandWrittenTinyFolderLoads()
    {
        // The folder the other tests break, unbroken: so their refusals come from what they break.
        using var dir = new TempDir();
        var config = WriteTinyZooFolder(dir.Path);
        File.WriteAllBytes(dir.File(ModelFolder.WeightsFile), ZeroTensors(ParameterShapes.Of(config)));
        using var loaded = ModelLoader.Load(dir.Path);
        Assert.That(loaded.Model.Config, Is.EqualTo(config));
    }

    [TestCase("zoo")]
    [TestCase("hf")]
    public void AHugeConfigWithSmallWeightsIsRefusedWithoutAllocatingTheModel(string format)
    {
        // About 10^10 parameters (40 GB of float32), within MaxParameters: building the model first would fail in
        // libtorch's allocator or take the machine's memory. The refusal comes from the header, before any tensor exists.
        using var dir = new TempDir();
        var config = format == "zoo" ? ZooConfig() : HfConfig();
        foreach (var (key, value) in format == "zoo"
                     ? new[] { ("d_model", 65536), ("heads", 1), ("d_head", 8), ("d_mlp", 0), ("vocab_size", 80_000) }
                     : [("n_embd", 32768), ("n_head", 1), ("n_inner", 1), ("vocab_size", 200_000)])
            config[key] = value;
        WriteConfig(dir.Path, config);
        File.WriteAllText(dir.File(ModelFolder.TokenizerFile), """{"kind":"integer","vocab_size":5}""");
        File.WriteAllBytes(dir.File(ModelFolder.WeightsFile), ZeroTensors(new Dictionary<string, long[]> { ["embed.W_E"] = [5, 4] }));
        long parameters = ParameterShapes.Count(ModelLoader.ReadConfig(dir.Path));
        Assert.That(parameters, Is.InRange(10_000_000_000L, ResourceLimits.MaxParameters), "a model too large to allocate, yet within the limit");

        long tensorsBefore = LiveTensors.Count(); // earlier garbage finalised first: only what the refusal makes can move it
        Assert.That(Refusal(dir.Path), Does.Contain("missing tensor(s)"));
        Assert.That(TorchSharp.torch.Tensor.TotalCount, Is.EqualTo(tensorsBefore), "not one tensor was created");
    }

    /// <summary>A zoo folder of the tiny config with its tokenizer, without weights; returns the config.</summary>
    static ModelConfig WriteTinyZooFolder(string dir)
    {
        WriteConfig(dir, ZooConfig());
        File.WriteAllText(Path.Combine(dir, ModelFolder.TokenizerFile), """{"kind":"integer","vocab_size":5}""");
        return ModelLoader.ReadConfig(dir);
    }
}
