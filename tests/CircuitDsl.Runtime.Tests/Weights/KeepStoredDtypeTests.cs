using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.TestSupport;
using TorchSharp;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>
/// <see cref="ModelLoadOptions.KeepStoredDtype"/>: a half-precision checkpoint keeps its weight matrices as stored
/// (half the bytes) and still computes in float32, giving the logits, hooks and interventions of the same checkpoint
/// loaded widened to float32.
/// </summary>
public class KeepStoredDtypeTests
{
    static readonly ModelLoadOptions Keep = new() { KeepStoredDtype = true };
    static readonly ScalarType[] Half = [ScalarType.Float16, ScalarType.BFloat16];
    static readonly bool[] Tied = [true, false];

    [Test]
    public void HfGpt2FoldersKeepTheirDtypeAndGiveTheWidenedLogits(
        [ValueSource(nameof(Half))] ScalarType storedType, [ValueSource(nameof(Tied))] bool tied)
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint(layers: 2, heads: 4, dModel: 32, vocab: 50, context: 16, seed: 31, tied: tied);
        checkpoint.WriteAs(dir.Path, storedType, transformerPrefix: true);
        using var kept = ModelLoader.Load(dir.Path, Keep);
        using var widened = ModelLoader.Load(dir.Path);
        AssertKeptAndEquivalent(kept.Model, widened.Model, storedType);
    }

    [Test]
    public void TheProjectsFoldersKeepTheirDtypeAndGiveTheWidenedLogits([ValueSource(nameof(Half))] ScalarType storedType)
    {
        using var dir = new TempDir();
        string folder = dir.File("model");
        var config = Gpt2Like with { TiedUnembedding = false };
        using (var model = RandomModel(config, seed: 32)) ModelFolder.Save(model, folder, TokenizerSpec.Integer(config.VocabSize));
        Rewrite(Path.Combine(folder, ModelFolder.WeightsFile), storedType);

        using var kept = ModelLoader.Load(folder, Keep);
        using var widened = ModelFolder.Load(folder);
        AssertKeptAndEquivalent(kept.Model, widened.Model, storedType);
    }

    [Test]
    public void AVocabularyWiderThanOneWidenedBlockGivesTheWidenedLogits([ValueSource(nameof(Tied))] bool tied)
    {
        // 140,000 columns of 32 rows are 17.9 MB in float32: more than one widened block of the unembedding.
        const int vocab = 140_000, dModel = 32;
        Assert.That((long)vocab * dModel * sizeof(float), Is.GreaterThan(HookedTransformer.WidenedBlockBytes));
        using var dir = new TempDir();
        using (var checkpoint = new RandomGpt2Checkpoint(layers: 1, heads: 4, dModel: dModel, vocab: vocab, context: 8, seed: 37, tied: tied))
            checkpoint.WriteAs(dir.Path, ScalarType.BFloat16);
        using var kept = ModelLoader.Load(dir.Path, Keep);
        using var widened = ModelLoader.Load(dir.Path);
        using var scope = NewDisposeScope();
        var tokens = Tokens(vocab, 2, 8, seed: 38);
        AssertClose(kept.Model.Forward(tokens), widened.Model.Forward(tokens), "logits");
        var rows = randn(5, dModel, generator: new Generator(39));
        AssertClose(kept.Model.UnembedRows(rows), widened.Model.UnembedRows(rows), "UnembedRows");
    }

    [Test]
    public void Float32CheckpointsLoadAsFloat32UnderTheOption()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint(seed: 33);
        checkpoint.Write(dir.Path);
        using var kept = ModelLoader.Load(dir.Path, Keep);
        using var plain = ModelLoader.Load(dir.Path);
        Assert.That(kept.Model.WeightDtype, Is.EqualTo(ScalarType.Float32));
        foreach (var ((name, a), (_, b)) in kept.Model.named_parameters().Zip(plain.Model.named_parameters()))
            Assert.That(Same(a, b), Is.True, name);
    }

    [Test]
    public void OnlyOneHalfPrecisionDtypeAcrossTheMatricesIsKept()
    {
        Assert.That(Keep.WeightDtypeFor([ScalarType.BFloat16, ScalarType.BFloat16]), Is.EqualTo(ScalarType.BFloat16));
        Assert.That(Keep.WeightDtypeFor([ScalarType.Float16]), Is.EqualTo(ScalarType.Float16));
        Assert.That(Keep.WeightDtypeFor([ScalarType.BFloat16, ScalarType.Float32]), Is.EqualTo(ScalarType.Float32), "narrowing F32 would change it");
        Assert.That(Keep.WeightDtypeFor([ScalarType.BFloat16, ScalarType.Float16]), Is.EqualTo(ScalarType.Float32));
        Assert.That(ModelLoadOptions.Default.WeightDtypeFor([ScalarType.BFloat16]), Is.EqualTo(ScalarType.Float32), "the default widens");
    }

    [Test]
    public void AKeptModelSavesTheFloat32FolderOfItsValues()
    {
        using var dir = new TempDir();
        using var checkpoint = new RandomGpt2Checkpoint(seed: 34);
        checkpoint.WriteAs(dir.File("hf"), ScalarType.BFloat16);
        using var kept = ModelLoader.Load(dir.File("hf"), Keep);
        using var widened = ModelLoader.Load(dir.File("hf"));
        ModelFolder.Save(kept.Model, dir.File("saved"), TokenizerSpec.Gpt2);
        using var saved = ModelLoader.Load(dir.File("saved"));
        foreach (var ((name, a), (_, b)) in saved.Model.named_parameters().Zip(widened.Model.named_parameters()))
        {
            Assert.That(a.dtype, Is.EqualTo(ScalarType.Float32), name);
            Assert.That(Same(a, b), Is.True, name);
        }
    }

    [Test]
    public void OnlyFloat32AndHalfPrecisionWeightsCanBeKept() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HookedTransformer(Gpt2Like, ScalarType.Float64));

    static void AssertKeptAndEquivalent(HookedTransformer kept, HookedTransformer widened, ScalarType storedType)
    {
        Assert.That(kept.WeightDtype, Is.EqualTo(storedType));
        Assert.That(widened.WeightDtype, Is.EqualTo(ScalarType.Float32));
        using var scope = NewDisposeScope();
        foreach (var ((name, k), (_, w)) in kept.named_parameters().Zip(widened.named_parameters()))
        {
            bool matrix = name[(name.LastIndexOf('.') + 1)..].StartsWith('W');
            Assert.That(k.dtype, Is.EqualTo(matrix ? storedType : ScalarType.Float32), name);
            Assert.That(Same(k.to(ScalarType.Float32), w), Is.True, $"{name}: the stored values, widened exactly");
        }
        long matrixBytes = widened.named_parameters().Where(p => p.name[(p.name.LastIndexOf('.') + 1)..].StartsWith('W')).Sum(p => p.parameter.numel() * 4);
        Assert.That(WeightBytes(kept), Is.EqualTo(WeightBytes(widened) - matrixBytes / 2), "the matrices take half the bytes");

        var tokens = Tokens(kept.Config.VocabSize, 3, kept.Config.ContextLength, seed: 35);
        AssertClose(kept.Forward(tokens), widened.Forward(tokens), "logits");

        // Every hook (per-head results and q/k/v inputs included, which take the per-head path) sees float32.
        var (keptLogits, keptCache) = kept.RunWithCache(tokens);
        var (widenedLogits, widenedCache) = widened.RunWithCache(tokens);
        using (keptCache)
        using (widenedCache)
        {
            Assert.That(keptCache.Names, Is.EquivalentTo(widenedCache.Names));
            Assert.That(keptCache.Names, Does.Contain(kept.Hooks.Layers[1].Result).And.Contain(kept.Hooks.Layers[0].QInput));
            foreach (var name in keptCache.Names)
            {
                Assert.That(keptCache[name].dtype, Is.EqualTo(ScalarType.Float32), name);
                AssertClose(keptCache[name], widenedCache[name], name);
            }
            AssertClose(keptLogits, widenedLogits, "logits with a cache");

            // The engine's entry points: an intervention, a run from a layer, one MLP, rows and columns of the unembedding.
            var n = kept.Hooks.Layers[1];
            var zeroHead = Intervention.Replace(n.Z, zeros(kept.Config.DHead));
            AssertClose(kept.RunWithInterventions(tokens, zeroHead), widened.RunWithInterventions(tokens, zeroHead), "an intervention");
            var residPre = widenedCache[n.ResidPre];
            AssertClose(kept.ForwardFrom(1, residPre), widened.ForwardFrom(1, residPre), "ForwardFrom");
            AssertClose(kept.MlpOut(1, widenedCache[n.ResidMid]), widened.MlpOut(1, widenedCache[n.ResidMid]), "MlpOut");
            var rows = widenedCache[kept.Hooks.Layers[^1].ResidPost].flatten(0, 1);
            AssertClose(kept.UnembedRows(rows), widened.UnembedRows(rows), "UnembedRows");
            var columns = Tokens(kept.Config.VocabSize, (int)rows.shape[0], 2, seed: 36);
            AssertClose(kept.UnembedColumns(rows, columns), widened.UnembedColumns(rows, columns), "UnembedColumns");
        }
    }

    /// <summary>The resident bytes of a model's parameters (elements × element size).</summary>
    static long WeightBytes(HookedTransformer model) => model.parameters().Sum(p => p.numel() * p.ElementSize);

    /// <summary>Equal within float32's promise (<see cref="Float32"/>) at every element, and of the same dtype.</summary>
    static void AssertClose(Tensor actual, Tensor expected, string what)
    {
        Assert.That(actual.dtype, Is.EqualTo(ScalarType.Float32), what);
        Assert.That(actual.shape, Is.EqualTo(expected.shape), what);
        var allowed = (expected.abs() * Float32.Relative).clamp_min(Float32.Absolute);
        double worst = ((actual - expected).abs() - allowed).max().item<float>();
        Assert.That(worst, Is.LessThanOrEqualTo(0), $"{what}: beyond float32 tolerance");
    }

    static void Rewrite(string weightsPath, ScalarType storedType)
    {
        var tensors = SafetensorsReader.ReadAll(weightsPath);
        try
        {
            SafetensorsWriter.Write(weightsPath, tensors, storedType);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
