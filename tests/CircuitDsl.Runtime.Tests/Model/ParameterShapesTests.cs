using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

/// <summary>The shapes computed from a config alone, against which weights are checked before allocation, are the model's own.</summary>
public class ParameterShapesTests
{
    static readonly ModelConfig[] Architectures =
    [
        TestModels.Gpt2Like,
        TestModels.Gpt2Like with { TiedUnembedding = false, Normalization = Normalization.None },
        TestModels.AttentionOnlyNoNorm,
        TestModels.AttentionOnlyWithNorm with { TiedUnembedding = true, DHead = 5 },
    ];

    [TestCaseSource(nameof(Architectures))]
    public void ShapesAndCountAreThoseOfTheBuiltModel(ModelConfig config)
    {
        using var model = new HookedTransformer(config);
        var built = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.That(ParameterShapes.Of(config), Is.EquivalentTo(built));
        Assert.That(ParameterShapes.Count(config), Is.EqualTo(model.parameters().Sum(p => p.numel())));
    }

    [Test]
    public void AModelAtTheContextLimitNeedsNoContextSquaredMemory()
    {
        // A [n_ctx, n_ctx] causal mask built with the model would be 2^40 bytes here; the mask is built per run.
        var config = TestModels.AttentionOnlyNoNorm with { DModel = 2, DHead = 1, ContextLength = ResourceLimits.MaxContext };
        using var model = new HookedTransformer(config);
        using var scope = NewDisposeScope();
        var logits = model.Forward(tensor(new long[,] { { 1, 2, 3 } }));
        Assert.That(logits.shape, Is.EqualTo(new long[] { 1, 3, config.VocabSize }));
    }

    [Test]
    public void EveryFieldOfAZooConfigSurvivesWritingAndReading()
    {
        // The reader reads field by field; a field the serializer writes but the reader skipped would come back defaulted.
        var config = new ModelConfig
        {
            Name = "all-fields", Layers = 3, Heads = 5, DModel = 20, DHead = 7, DMlp = 11, VocabSize = 13, ContextLength = 17,
            Normalization = Normalization.None, Activation = Activation.Relu, TiedUnembedding = true, LayerNormEpsilon = 1e-3,
        };
        string path = Path.Combine(Path.GetTempPath(), $"circuitdsl-config-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, ModelConfigJson.Serialize(config));
            Assert.That(ModelConfigJson.Read(path), Is.EqualTo(config));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
