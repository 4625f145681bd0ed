using CircuitDsl.Runtime.Model;
using CircuitDsl.TestSupport;
using static CircuitDsl.Runtime.Tests.Weights.WeightsTestSupport;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>The plain forward that benchmarks use reproduces the hooked forward on every architecture.</summary>
public class ReferenceGpt2Tests
{
    static readonly ModelConfig[] Architectures =
    [
        Gpt2Like,
        AttentionOnlyNoNorm,
        AttentionOnlyNoNorm with { Name = "attn-only-ln-untied", Normalization = Normalization.LayerNorm, TiedUnembedding = false },
    ];

    [TestCaseSource(nameof(Architectures))]
    public void PlainForwardOfAHookedModelsWeightsMatchesIt(ModelConfig config)
    {
        using var model = RandomModel(config, seed: 8);
        using var reference = HfGpt2Layout.ReferenceFor(model);
        using var scope = NewDisposeScope();
        var tokens = Tokens(config.VocabSize, 2, config.ContextLength, seed: 9);
        var expected = reference.Forward(tokens);
        var error = ((model.Forward(tokens) - expected).abs().max() / expected.abs().max()).item<float>();
        Assert.That(error, Is.LessThan(1e-5));
    }
}
