using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

/// <summary>Small randomly initialised models of each architecture, and inputs for them.</summary>
internal static class TestModels
{
    public static readonly ModelConfig Gpt2Like = new()
    {
        Name = "gpt2-like-test", Layers = 2, Heads = 3, DModel = 24, DHead = 8, DMlp = 96,
        VocabSize = 37, ContextLength = 16, TiedUnembedding = true,
    };

    public static readonly ModelConfig AttentionOnlyNoNorm = new()
    {
        Name = "attn-only-test", Layers = 2, Heads = 2, DModel = 16, DHead = 8,
        VocabSize = 20, ContextLength = 12, Normalization = Normalization.None,
    };

    public static readonly ModelConfig AttentionOnlyWithNorm = AttentionOnlyNoNorm with { Name = "attn-only-ln-test", Normalization = Normalization.LayerNorm };

    public static HookedTransformer Create(ModelConfig config, long seed = 1)
    {
        var model = new HookedTransformer(config);
        model.InitializeWeights(seed);
        // Larger weights than GPT-2's 0.02 so that attention patterns are far from uniform and errors show.
        using (no_grad())
            foreach (var p in model.parameters()) p.mul_(10);
        return model;
    }

    public static Tensor Tokens(ModelConfig config, int batch, int positions, long seed)
    {
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        return randint(0, config.VocabSize, [batch, positions], generator: generator, dtype: ScalarType.Int64);
    }

    public static double MaxRelativeError(Tensor actual, Tensor expected) =>
        ((actual - expected).abs().max() / expected.abs().max()).item<float>();
}

internal static class TensorAssertions
{
    /// <summary>Same shape and bit-for-bit equal values.</summary>
    public static bool Same(this Tensor actual, Tensor expected) =>
        actual.shape.SequenceEqual(expected.shape) && (actual == expected).all().item<bool>();
}
