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

    /// <summary>Llama-3 style: RMSNorm, rotary with llama3 rescaling, 4 query heads on 2 key/value heads, SwiGLU, untied.</summary>
    public static readonly ModelConfig LlamaLike = new()
    {
        Name = "llama-like-test", Layers = 2, Heads = 4, KeyValueHeads = 2, DModel = 24, DHead = 8, DMlp = 40,
        VocabSize = 29, ContextLength = 64, Normalization = Normalization.RmsNorm, LayerNormEpsilon = 1e-6,
        Positions = PositionEmbedding.Rotary, RotaryBase = 100, GatedMlp = true, Activation = Activation.Silu,
        // With θ = 100 and L = 32 the four frequencies fall in every band of the rescaling: kept, interpolated, divided.
        RopeScaling = new RopeScaling(Factor: 4, LowFreqFactor: 1, HighFreqFactor: 4, OriginalContextLength: 32),
    };

    /// <summary>Mistral style: the Llama core with a sliding window on every layer, shorter than the test sequences.</summary>
    public static readonly ModelConfig MistralLike = LlamaLike with { Name = "mistral-like-test", RopeScaling = null, SlidingWindow = 3 };

    /// <summary>GPT-NeoX style: LayerNorm, rotary on the first half of each head, parallel attention and MLP, untied.</summary>
    public static readonly ModelConfig NeoxLike = new()
    {
        Name = "neox-like-test", Layers = 2, Heads = 3, DModel = 24, DHead = 8, DMlp = 48,
        VocabSize = 31, ContextLength = 64, Positions = PositionEmbedding.Rotary, RotaryDim = 4, ParallelResidual = true,
    };

    /// <summary>Gemma-2 style: sandwich RMSNorms, GeGLU, heads wider than d_model / heads, soft-caps, windows on even layers, √d embedding.</summary>
    public static readonly ModelConfig GemmaLike = new()
    {
        Name = "gemma-like-test", Layers = 3, Heads = 2, KeyValueHeads = 1, DModel = 24, DHead = 16, DMlp = 40,
        VocabSize = 27, ContextLength = 64, Normalization = Normalization.RmsNorm, LayerNormEpsilon = 1e-6,
        Positions = PositionEmbedding.Rotary, GatedMlp = true, Activation = Activation.GeluNew, SandwichNorms = true,
        AttentionScale = 1 / Math.Sqrt(12), AttentionSoftCap = 5, LogitSoftCap = 3, SlidingWindow = 3,
        WindowedLayers = LayerSet.Even(3), EmbeddingScale = Math.Sqrt(24), TiedUnembedding = true,
    };

    /// <summary>The architectures beyond GPT-2, each with its distinguishing settings.</summary>
    public static readonly ModelConfig[] Modern = [LlamaLike, MistralLike, NeoxLike, GemmaLike];

    /// <summary>
    /// Every parameter drawn at random, biases and norm weights included (Qwen2's q/k/v biases, an RMSNorm weight far
    /// from 1), so that a forward which drops one of them disagrees with a reference that uses it.
    /// </summary>
    public static HookedTransformer CreateDense(ModelConfig config, long seed = 1)
    {
        var model = new HookedTransformer(config);
        var generator = new Generator((ulong)seed);
        using (no_grad())
            foreach (var (name, p) in model.named_parameters())
            {
                if (name.Contains("ln") && name.EndsWith(".w", StringComparison.Ordinal)) p.uniform_(0.5, 1.5, generator);
                else p.normal_(0, name.EndsWith("W_E", StringComparison.Ordinal) ? 1 : 0.3, generator);
            }
        return model;
    }

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
