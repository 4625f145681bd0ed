using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

public class ModelFolderTests
{
    static readonly ModelConfig[] Architectures = [Gpt2Like, AttentionOnlyNoNorm];

    [TestCaseSource(nameof(Architectures))]
    public void SaveThenLoadGivesIdenticalLogits(ModelConfig config)
    {
        using var dir = new TempDir();
        string folder = dir.File("model");
        using var model = RandomModel(config, seed: 3);
        var card = new JsonObject { ["task"] = "repeated_tokens", ["scores"] = new JsonArray(0.96, 0.87) };
        ModelFolder.Save(model, folder, TokenizerSpec.Integer(config.VocabSize), card);

        using var loaded = ModelLoader.Load(folder);
        using var scope = NewDisposeScope();
        var tokens = Tokens(config.VocabSize, 3, config.ContextLength, seed: 4);
        Assert.That(loaded.Format, Is.EqualTo(ModelFormat.CircuitDsl));
        Assert.That(loaded.Model.Config, Is.EqualTo(config));
        Assert.That(Same(loaded.Model.Forward(tokens), model.Forward(tokens)), Is.True, "bit-identical logits");
        Assert.That(loaded.Tokenizer.Spec, Is.EqualTo(TokenizerSpec.Integer(config.VocabSize)));
        Assert.That(JsonNode.DeepEquals(loaded.Card, card), Is.True);
    }

    [Test]
    public void ConfigIsSnakeCaseAndSavingTwiceGivesTheSameBytes()
    {
        using var dir = new TempDir();
        using var model = RandomModel(Gpt2Like, seed: 5);
        ModelFolder.Save(model, dir.File("a"), TokenizerSpec.Integer(Gpt2Like.VocabSize));
        ModelFolder.Save(model, dir.File("b"), TokenizerSpec.Integer(Gpt2Like.VocabSize));

        foreach (var file in new[] { ModelFolder.ConfigFile, ModelFolder.WeightsFile, ModelFolder.TokenizerFile })
            Assert.That(File.ReadAllBytes(Path.Combine(dir.File("b"), file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(dir.File("a"), file))), file);
        string config = File.ReadAllText(Path.Combine(dir.File("a"), ModelFolder.ConfigFile));
        Assert.That(config, Does.Contain("\"d_model\": 24").And.Contain("\"normalization\": \"layer_norm\"").And.Contain("\"activation\": \"gelu_new\""));
        Assert.That(config, Does.Not.Contain("has_mlp"));
        Assert.That(File.Exists(Path.Combine(dir.File("a"), ModelFolder.CardFile)), Is.False, "no card unless one is given");
    }

    [Test]
    public void SavingOverAnExistingFolderNeedsOverwriteAndKeepsOtherFiles()
    {
        using var dir = new TempDir();
        string folder = dir.File("model");
        using var first = RandomModel(Gpt2Like, seed: 1);
        using var second = RandomModel(Gpt2Like, seed: 2);
        ModelFolder.Save(first, folder, TokenizerSpec.Integer(Gpt2Like.VocabSize), new JsonObject { ["v"] = 1 });
        File.WriteAllText(Path.Combine(folder, "loss.csv"), "step,loss\n");

        Assert.Throws<IOException>(() => ModelFolder.Save(second, folder, TokenizerSpec.Integer(Gpt2Like.VocabSize)));
        ModelFolder.Save(second, folder, TokenizerSpec.Integer(Gpt2Like.VocabSize), overwrite: true);

        Assert.That(File.ReadAllText(Path.Combine(folder, "loss.csv")), Is.EqualTo("step,loss\n"));
        Assert.That(File.Exists(Path.Combine(folder, ModelFolder.CardFile)), Is.False, "the old card went with the old weights");
        Assert.That(Directory.GetDirectories(dir.Path), Has.Length.EqualTo(1), "no staging folders are left behind");
        using var loaded = ModelFolder.Load(folder);
        Assert.That(Same(loaded.Model.W_E, second.W_E), Is.True);
    }

    [Test]
    public void MissingExtraAndWrongShapedTensorsAreAllNamed()
    {
        using var dir = new TempDir();
        string folder = dir.File("model");
        using var model = RandomModel(Gpt2Like);
        ModelFolder.Save(model, folder, TokenizerSpec.Integer(Gpt2Like.VocabSize));
        string weights = Path.Combine(folder, ModelFolder.WeightsFile);

        using (var scope = NewDisposeScope())
        {
            var tensors = SafetensorsReader.ReadAll(weights);
            tensors.Remove("blocks.1.mlp.W_out");
            tensors["blocks.0.attn.W_Q"] = zeros(3, 24, 4);
            tensors["blocks.0.attn.IGNORE"] = zeros(1);
            SafetensorsWriter.Write(weights, tensors);
        }

        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(folder).Dispose())!;
        Assert.That(e.Message, Does.Contain(weights));
        Assert.That(e.Message, Does.Contain("missing tensor(s) 'blocks.1.mlp.W_out'"));
        Assert.That(e.Message, Does.Contain("unexpected tensor(s) 'blocks.0.attn.IGNORE'"));
        Assert.That(e.Message, Does.Contain("'blocks.0.attn.W_Q' has shape [3, 24, 4], expected [3, 24, 8]"));
    }

    [Test]
    public void ABadConfigIsNamed()
    {
        using var dir = new TempDir();
        string folder = dir.File("model");
        using var model = RandomModel(Gpt2Like);
        ModelFolder.Save(model, folder, TokenizerSpec.Integer(Gpt2Like.VocabSize));
        string config = Path.Combine(folder, ModelFolder.ConfigFile);
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"heads\"", "\"headz\""));

        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.Load(folder).Dispose())!;
        Assert.That(e.Message, Does.Contain(config).And.Contain("headz"));
    }

    [Test]
    public void LoadingAndDisposingLeavesNoMoreLiveTensorsThanBuildingTheModel()
    {
        using var dir = new TempDir();
        string folder = dir.File("model");
        using (var model = RandomModel(Gpt2Like)) ModelFolder.Save(model, folder, TokenizerSpec.Integer(Gpt2Like.VocabSize));
        ModelLoader.Load(folder).Dispose(); // warm up lazily created state

        // TorchSharp counts the husk each Parameter is built from until it is finalised, so constructing a model
        // is the baseline: loading its weights must add nothing to that. Counted after the finalizers have run, so
        // that a collection in the middle (when it happens varies) cannot move either count.
        long start = LiveTensors.Count();
        new HookedTransformer(Gpt2Like).Dispose();
        long construction = LiveTensors.Count() - start;
        ModelLoader.Load(folder).Dispose();
        Assert.That(LiveTensors.Count() - start, Is.EqualTo(2 * construction));
    }
}
