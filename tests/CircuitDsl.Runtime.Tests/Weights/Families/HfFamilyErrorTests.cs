using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights.Families;

/// <summary>A broken Hugging Face folder is refused with a message naming the file and the tensor or key.</summary>
public class HfFamilyErrorTests
{
    [OneTimeSetUp]
    public void LoadTorch() => TorchNative.EnsureLoaded();

    static ModelFormatException Refusal(string dir) => Assert.Throws<ModelFormatException>(() => ModelLoader.Load(dir).Dispose())!;

    [Test]
    public void MissingShardIsNamedWithATensorItShouldHold()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Llama);
        checkpoint.Write(dir.Path, shards: 3);
        File.Delete(dir.File("model-00002-of-00003.safetensors"));
        var e = Refusal(dir.Path);
        Assert.That(e.Message, Does.Contain(dir.File("model-00002-of-00003.safetensors")).And.Contain("missing").And.Contain("model.safetensors.index.json"));
        Assert.That(e.Message, Does.Match("e\\.g\\. 'model\\."));
    }

    [Test]
    public void TensorOfTheWrongShapeIsNamedWithItsShard()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Qwen2);
        checkpoint.Tensors["model.layers.1.self_attn.k_proj.bias"].Dispose();
        checkpoint.Tensors["model.layers.1.self_attn.k_proj.bias"] = zeros(7).DetachFromDisposeScope();
        checkpoint.Write(dir.Path, shards: 2);
        var e = Refusal(dir.Path);
        Assert.That(e.Message, Does.Contain(dir.File("model.safetensors.index.json")));
        Assert.That(e.Message, Does.Match(@"tensor 'model\.layers\.1\.self_attn\.k_proj\.bias' \(in model-0000\d-of-00002\.safetensors\) has shape \[7\], expected \[24\]"));
    }

    [Test]
    public void MissingAndUnexpectedTensorsAreNamed()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Gemma2);
        using var extra = zeros(3);
        checkpoint.Write(dir.Path, keep: n => n != "model.layers.0.pre_feedforward_layernorm.weight",
            extra: new Dictionary<string, Tensor> { ["model.layers.0.mlp.gate_proj.bias"] = extra });
        var e = Refusal(dir.Path);
        Assert.That(e.Message, Does.Contain(dir.File("model.safetensors")));
        Assert.That(e.Message, Does.Contain("missing tensor(s) 'model.layers.0.pre_feedforward_layernorm.weight'"));
        Assert.That(e.Message, Does.Contain("unexpected tensor(s) 'model.layers.0.mlp.gate_proj.bias'"));
    }

    [Test]
    public void NeoxBuffersAreSkipped()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.GptNeox);
        using var mask = ones(1, 1, 8, 8);
        using var masked = tensor(-1e9f);
        using var inv = ones(3);
        checkpoint.Write(dir.Path, extra: new Dictionary<string, Tensor>
        {
            ["gpt_neox.layers.0.attention.bias"] = mask, ["gpt_neox.layers.0.attention.masked_bias"] = masked,
            ["gpt_neox.layers.0.attention.rotary_emb.inv_freq"] = inv,
        });
        using var loaded = ModelLoader.Load(dir.Path);
        Assert.That(loaded.Format, Is.EqualTo(ModelFormat.HuggingFaceGptNeox));
    }

    [Test]
    public void IndexAndShardsMustAgree()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Llama);
        checkpoint.Write(dir.Path, shards: 2);
        string indexPath = dir.File("model.safetensors.index.json");
        var index = JsonNode.Parse(File.ReadAllText(indexPath))!.AsObject();
        var map = index["weight_map"]!.AsObject();
        // Move one tensor to the other shard in the index: the index and the shard disagree.
        string moved = map.First(p => p.Value!.GetValue<string>() == "model-00001-of-00002.safetensors").Key;
        map[moved] = "model-00002-of-00002.safetensors";
        File.WriteAllText(indexPath, index.ToJsonString());
        var e = Refusal(dir.Path);
        Assert.That(e.Message, Does.Contain(moved).And.Contain("model-0000"));

        map[moved] = "../elsewhere.safetensors";
        File.WriteAllText(indexPath, index.ToJsonString());
        Assert.That(Refusal(dir.Path).Message, Does.Contain(indexPath).And.Contain(moved).And.Contain("not a file name"));
    }

    [Test]
    public void TensorStoredInTwoShardsIsRefused()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Llama);
        checkpoint.Write(dir.Path, shards: 2);
        // A second copy of the embedding in the shard the index does not put it in.
        var index = JsonNode.Parse(File.ReadAllText(dir.File("model.safetensors.index.json")))!["weight_map"]!.AsObject();
        string home = index["model.embed_tokens.weight"]!.GetValue<string>();
        string other = dir.File(home.StartsWith("model-00001", StringComparison.Ordinal) ? "model-00002-of-00002.safetensors" : "model-00001-of-00002.safetensors");
        var tensors = SafetensorsReader.ReadAll(other);
        tensors["model.embed_tokens.weight"] = checkpoint.Tensors["model.embed_tokens.weight"].clone();
        SafetensorsWriter.Write(other, tensors);
        foreach (var t in tensors.Values) t.Dispose();
        var e = Refusal(dir.Path);
        Assert.That(e.Message, Does.Contain("model.embed_tokens.weight").And.Contain("model-0000"));
    }

    [Test]
    public void UnknownModelTypeNamesTheKey()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), """{"model_type":"falcon","hidden_size":8}""");
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.DetectFormat(dir.Path))!;
        Assert.That(e.Message, Does.Contain(dir.File("config.json")).And.Contain("\"model_type\" 'falcon' is not supported").And.Contain("gemma2"));
    }

    [TestCase("rope_scaling", "yarn")]
    [TestCase("rope_parameters", "dynamic")]
    public void UnsupportedRopeTypeNamesTheKey(string key, string type)
    {
        using var dir = new TempDir();
        var config = HfFamilyArch.Llama.Config();
        config.Remove("rope_scaling");
        config[key] = new JsonObject { ["rope_type"] = type, ["factor"] = 2.0 };
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.ReadConfig(dir.Path))!;
        Assert.That(e.Message, Does.Contain(dir.File("config.json")).And.Contain($"\"{key}\".\"rope_type\" '{type}' is not supported"));
    }

    [TestCase("llama", "hidden_act", "gelu_python")]
    [TestCase("gemma2", "hidden_activation", "quick_gelu")]
    [TestCase("gpt_neox", "hidden_act", "mish")]
    public void UnknownActivationNamesTheKey(string modelType, string key, string value)
    {
        using var dir = new TempDir();
        var arch = modelType switch { "llama" => HfFamilyArch.Llama, "gemma2" => HfFamilyArch.Gemma2, _ => HfFamilyArch.GptNeox };
        var config = arch.Config();
        config[key] = value;
        File.WriteAllText(dir.File("config.json"), config.ToJsonString());
        var e = Assert.Throws<ModelFormatException>(() => ModelLoader.ReadConfig(dir.Path))!;
        Assert.That(e.Message, Does.Contain(dir.File("config.json")).And.Contain($"\"{key}\" '{value}' is not supported"));
    }

    [Test]
    public void BadConfigValuesNameTheirKeys()
    {
        using var dir = new TempDir();
        void Expect(Action<JsonObject> change, string fragment)
        {
            var config = HfFamilyArch.Llama.Config();
            change(config);
            File.WriteAllText(dir.File("config.json"), config.ToJsonString());
            var e = Assert.Throws<ModelFormatException>(() => ModelLoader.ReadConfig(dir.Path))!;
            Assert.That(e.Message, Does.Contain(fragment));
        }
        Expect(c => c["num_key_value_heads"] = 3, "\"num_key_value_heads\" 3 must divide \"num_attention_heads\" 4");
        Expect(c => c.Remove("hidden_size"), "missing \"hidden_size\"");
        Expect(c => c["mlp_bias"] = true, "\"mlp_bias\"");
        Expect(c => c["rope_scaling"] = new JsonObject { ["rope_type"] = "llama3", ["factor"] = 8.0 }, "\"rope_scaling\" of rope_type llama3 needs");
        Expect(c => { c["model_type"] = "mistral"; c["layer_types"] = new JsonArray("full_attention"); c["sliding_window"] = 4; }, "\"layer_types\" lists 1 layers");
    }

    [Test]
    public void NoWeightsFileIsExplained()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("config.json"), HfFamilyArch.Mistral.Config().ToJsonString());
        var e = Refusal(dir.Path);
        Assert.That(e.Message, Does.Contain("model.safetensors").And.Contain("model.safetensors.index.json").And.Contain("Mistral"));
    }
}
