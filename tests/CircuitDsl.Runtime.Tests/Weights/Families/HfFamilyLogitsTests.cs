using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights.Families;

/// <summary>
/// For each Hugging Face family, a checkpoint with random weights written in the family's layout loads through
/// <see cref="ModelLoader"/>, and its logits equal an independent recomputation from the HF tensors (ReferenceHfForward).
/// </summary>
public class HfFamilyLogitsTests
{
    const int Positions = 12;

    [OneTimeSetUp]
    public void LoadTorch() => TorchNative.EnsureLoaded();

    public static IEnumerable<TestCaseData> Families()
    {
        yield return new TestCaseData(HfFamilyArch.Llama, ModelFormat.HuggingFaceLlama, ScalarType.Float32, 1).SetName("Llama (MHA)");
        yield return new TestCaseData(HfFamilyArch.Llama with { KvHeads = 2, RopeTheta = 500_000, Llama3 = (8, 1, 4, 64), Tied = true }, ModelFormat.HuggingFaceLlama, ScalarType.Float32, 1)
            .SetName("Llama-3 (GQA, llama3 rope_scaling, tied)");
        yield return new TestCaseData(HfFamilyArch.Llama with { KvHeads = 2, RopeTheta = 500_000, Llama3 = (32, 1, 4, 32), RopeParameters = true }, ModelFormat.HuggingFaceLlama, ScalarType.Float32, 1)
            .SetName("Llama-3 with transformers v5 rope_parameters");
        yield return new TestCaseData(HfFamilyArch.Llama with { QkvBias = true, OutputBias = true }, ModelFormat.HuggingFaceLlama, ScalarType.Float32, 1).SetName("Llama with attention_bias");
        yield return new TestCaseData(HfFamilyArch.Mistral, ModelFormat.HuggingFaceMistral, ScalarType.Float32, 3).SetName("Mistral (window 4 < 12 positions), 3 shards");
        yield return new TestCaseData(HfFamilyArch.Qwen2, ModelFormat.HuggingFaceQwen2, ScalarType.Float32, 1).SetName("Qwen2 (q/k/v biases)");
        yield return new TestCaseData(HfFamilyArch.Qwen2 with { Layers = 3, Window = 5, WindowedLayers = [1, 2] }, ModelFormat.HuggingFaceQwen2, ScalarType.Float32, 1)
            .SetName("Qwen2 with use_sliding_window from max_window_layers 1");
        yield return new TestCaseData(HfFamilyArch.GptNeox, ModelFormat.HuggingFaceGptNeox, ScalarType.Float32, 1).SetName("GPT-NeoX (partial rotary, parallel residual)");
        yield return new TestCaseData(HfFamilyArch.GptNeox with { Parallel = false, DModel = 64, HeadDim = 16, RotaryPct = 0.25, Activation = "gelu_new" }, ModelFormat.HuggingFaceGptNeox, ScalarType.Float32, 1)
            .SetName("GPT-NeoX (sequential residual)");
        yield return new TestCaseData(HfFamilyArch.Gemma, ModelFormat.HuggingFaceGemma, ScalarType.Float32, 1).SetName("Gemma (MQA, 1 + w, embedding scale)");
        yield return new TestCaseData(HfFamilyArch.Gemma2, ModelFormat.HuggingFaceGemma2, ScalarType.Float32, 1).SetName("Gemma-2 (sandwich norms, soft-caps, window on even layers)");
        yield return new TestCaseData(HfFamilyArch.Gemma2, ModelFormat.HuggingFaceGemma2, ScalarType.BFloat16, 2).SetName("Gemma-2 stored as BF16 in 2 shards");
        yield return new TestCaseData(HfFamilyArch.Llama with { KvHeads = 2 }, ModelFormat.HuggingFaceLlama, ScalarType.Float16, 1).SetName("Llama stored as F16");
    }

    [TestCaseSource(nameof(Families))]
    public void LogitsMatchTheIndependentRecomputation(HfFamilyArch arch, ModelFormat format, ScalarType stored, int shards)
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(arch, seed: 21);
        checkpoint.Write(dir.Path, stored, shards);
        if (stored != ScalarType.Float32) checkpoint.RoundThrough(stored); // the reference sees the stored values

        Assert.That(ModelLoader.DetectFormat(dir.Path), Is.EqualTo(format));
        using var loaded = ModelLoader.Load(dir.Path);
        using var scope = NewDisposeScope();
        var tokens = Tokens(arch.Vocab, 2, Positions, seed: 22);
        var expected = new ReferenceHfForward(arch, checkpoint.Tensors).Forward(tokens);
        var actual = loaded.Model.Forward(tokens);

        Assert.That(loaded.Format, Is.EqualTo(format));
        Assert.That(expected.std().item<float>(), Is.GreaterThan(0.5f), "the logits are far from uniform, so a wrong weight would show");
        var error = ((actual - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.That(error, Is.LessThan(1e-4), $"relative error {error}");
    }

    [Test]
    public void KeepStoredDtypeKeepsBf16MatricesAndTheSameLogits()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomHfCheckpoint(HfFamilyArch.Qwen2, seed: 5);
        checkpoint.Write(dir.Path, ScalarType.BFloat16);
        checkpoint.RoundThrough(ScalarType.BFloat16);
        using var kept = ModelLoader.Load(dir.Path, new ModelLoadOptions { KeepStoredDtype = true });
        using var scope = NewDisposeScope();
        Assert.That(kept.Model.WeightDtype, Is.EqualTo(ScalarType.BFloat16));
        var tokens = Tokens(100, 1, Positions, seed: 6);
        var expected = new ReferenceHfForward(HfFamilyArch.Qwen2, checkpoint.Tensors).Forward(tokens);
        var error = ((kept.Model.Forward(tokens) - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.That(error, Is.LessThan(1e-4));
    }

    [Test]
    public void ConfigsMapOntoTheArchitectureSettings()
    {
        using var dir = new TempDir();
        string Folder(string name, HfFamilyArch arch)
        {
            string path = dir.File(name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "config.json"), arch.Config().ToJsonString());
            return path;
        }

        var llama3 = ModelLoader.ReadConfig(Folder("llama3", HfFamilyArch.Llama with { KvHeads = 2, RopeTheta = 500_000, Llama3 = (8, 1, 4, 64), Tied = true }));
        Assert.That((llama3.Normalization, llama3.Activation, llama3.Positions, llama3.GatedMlp, llama3.KeyValueHeads, llama3.TiedUnembedding),
            Is.EqualTo((Normalization.RmsNorm, Activation.Silu, PositionEmbedding.Rotary, true, (int?)2, true)));
        Assert.That((llama3.RotaryBase, llama3.RopeScaling), Is.EqualTo((500_000.0, new RopeScaling(8, 1, 4, 64))));

        var mistral = ModelLoader.ReadConfig(Folder("mistral", HfFamilyArch.Mistral));
        Assert.That((mistral.SlidingWindow, mistral.WindowedLayers), Is.EqualTo(((int?)4, (LayerSet?)null)));

        var qwen = ModelLoader.ReadConfig(Folder("qwen", HfFamilyArch.Qwen2 with { Layers = 3, Window = 5, WindowedLayers = [1, 2] }));
        Assert.That((qwen.SlidingWindow, qwen.WindowedLayers), Is.EqualTo(((int?)5, new LayerSet([1, 2]))));
        Assert.That(ModelLoader.ReadConfig(Folder("qwen-full", HfFamilyArch.Qwen2)).SlidingWindow, Is.Null, "use_sliding_window false");

        var neox = ModelLoader.ReadConfig(Folder("neox", HfFamilyArch.GptNeox));
        Assert.That((neox.Normalization, neox.Activation, neox.RotaryDim, neox.ParallelResidual, neox.GatedMlp, neox.LayerNormEpsilon),
            Is.EqualTo((Normalization.LayerNorm, Activation.Gelu, (int?)6, true, false, 1e-5)));

        var gemma2 = ModelLoader.ReadConfig(Folder("gemma2", HfFamilyArch.Gemma2));
        Assert.That((gemma2.SandwichNorms, gemma2.AttentionSoftCap, gemma2.LogitSoftCap, gemma2.SlidingWindow, gemma2.WindowedLayers, gemma2.Activation),
            Is.EqualTo((true, (double?)5, (double?)3, (int?)4, LayerSet.Even(2), Activation.GeluNew)));
        Assert.That(gemma2.AttentionScale, Is.EqualTo(1 / Math.Sqrt(24)).Within(1e-15));
        Assert.That(gemma2.EmbeddingScale, Is.EqualTo(Math.Sqrt(48)).Within(1e-5));
        Assert.That(gemma2.DHead * gemma2.Heads, Is.Not.EqualTo(gemma2.DModel), "head_dim is independent of hidden_size");
    }

    [Test]
    public void HuggingFaceDefaultsFillAbsentKeys()
    {
        using var dir = new TempDir();
        var minimal = new System.Text.Json.Nodes.JsonObject
        {
            ["model_type"] = "gemma2", ["hidden_size"] = 32, ["intermediate_size"] = 64, ["num_hidden_layers"] = 3,
            ["num_attention_heads"] = 2, ["vocab_size"] = 50,
        };
        File.WriteAllText(dir.File("config.json"), minimal.ToJsonString());
        var c = ModelLoader.ReadConfig(dir.Path);
        Assert.That((c.DHead, c.KvHeads, c.TiedUnembedding, c.Activation, c.AttentionSoftCap, c.LogitSoftCap, c.SlidingWindow, c.WindowedLayers, c.LayerNormEpsilon, c.RotaryBase),
            Is.EqualTo((256, 2, true, Activation.GeluNew, (double?)50, (double?)30, (int?)4096, new LayerSet([0, 2]), 1e-6, 10_000.0)));
        Assert.That(c.AttentionScale, Is.EqualTo(1 / 16.0).Within(1e-15));

        minimal["final_logit_softcapping"] = null;
        minimal["attn_logit_softcapping"] = null;
        File.WriteAllText(dir.File("config.json"), minimal.ToJsonString());
        var uncapped = ModelLoader.ReadConfig(dir.Path);
        Assert.That((uncapped.AttentionSoftCap, uncapped.LogitSoftCap), Is.EqualTo(((double?)null, (double?)null)), "null turns a soft-cap off");

        minimal["model_type"] = "mistral";
        minimal["sliding_window"] = null;
        File.WriteAllText(dir.File("config.json"), minimal.ToJsonString());
        var m = ModelLoader.ReadConfig(dir.Path);
        Assert.That((m.DHead, m.Activation, m.TiedUnembedding, m.SlidingWindow), Is.EqualTo((16, Activation.Silu, false, (int?)null)));
    }
}
