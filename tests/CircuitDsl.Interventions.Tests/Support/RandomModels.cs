using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Support;

/// <summary>Small random models of each architecture, and paired random data for them.</summary>
internal static class RandomModels
{
    public static readonly ModelConfig Gpt2Like = new()
    {
        Name = "gpt2-like-test", Layers = 3, Heads = 3, DModel = 24, DHead = 8, DMlp = 48, VocabSize = 37, ContextLength = 10,
    };

    public static readonly ModelConfig AttentionOnly = new()
    {
        Name = "attn-only-test", Layers = 3, Heads = 2, DModel = 16, DHead = 8, VocabSize = 20, ContextLength = 10,
        Normalization = Normalization.None,
    };

    /// <summary>Llama-like: RMSNorm, rotary, grouped-query attention (4 query heads on 2 key/value heads), SwiGLU.</summary>
    public static readonly ModelConfig LlamaLike = new()
    {
        Name = "llama-like-test", Layers = 3, Heads = 4, KeyValueHeads = 2, DModel = 24, DHead = 6, DMlp = 40, VocabSize = 37, ContextLength = 10,
        Normalization = Normalization.RmsNorm, Activation = Activation.Silu, GatedMlp = true, Positions = PositionEmbedding.Rotary,
    };

    /// <summary>GPT-NeoX-like: parallel attention and MLP, partial rotary (4 of 8 dimensions), exact GELU, LayerNorm.</summary>
    public static readonly ModelConfig NeoxLike = new()
    {
        Name = "neox-like-test", Layers = 3, Heads = 3, DModel = 24, DHead = 8, DMlp = 48, VocabSize = 37, ContextLength = 10,
        Activation = Activation.Gelu, Positions = PositionEmbedding.Rotary, RotaryDim = 4, ParallelResidual = true,
    };

    /// <summary>
    /// Gemma-2-like: sandwich norms, grouped-query attention, GeGLU, tied and scaled embeddings, score and logit
    /// soft-caps small enough to bite on random weights, and a 3-position sliding window (shorter than the prompts) on
    /// layers 0 and 2.
    /// </summary>
    public static readonly ModelConfig Gemma2Like = new()
    {
        Name = "gemma2-like-test", Layers = 3, Heads = 4, KeyValueHeads = 2, DModel = 24, DHead = 8, DMlp = 40, VocabSize = 37, ContextLength = 10,
        Normalization = Normalization.RmsNorm, Activation = Activation.GeluNew, GatedMlp = true, Positions = PositionEmbedding.Rotary,
        SandwichNorms = true, AttentionScale = 0.25, AttentionSoftCap = 2.0, LogitSoftCap = 3.0, SlidingWindow = 3, WindowedLayers = new LayerSet([0, 2]),
        EmbeddingScale = Math.Sqrt(24), TiedUnembedding = true,
    };

    /// <summary>The architectures after GPT-2 that the runtime runs by settings.</summary>
    public static readonly ModelConfig[] Modern = [LlamaLike, NeoxLike, Gemma2Like];

    public static readonly ModelConfig[] All = [Gpt2Like, AttentionOnly, .. Modern];

    /// <summary>The architectures causal scrubbing maps heads on (not sandwich norms: the stream is no sum of head outputs there).</summary>
    public static readonly ModelConfig[] Scrubbable = [.. All.Where(c => !c.SandwichNorms)];

    public static HookedTransformer Create(ModelConfig config, long seed = 1)
    {
        var model = new HookedTransformer(config);
        model.InitializeWeights(seed, WeightInit.Torch);
        return model;
    }

    /// <summary>Random prompts with random counterfactuals, answers and an END position.</summary>
    public static Dataset Data(ModelConfig config, int count, ulong seed, int length = 8)
    {
        var random = new SplitMix64(seed);
        int[] Tokens() => Enumerable.Range(0, length).Select(_ => random.Next(config.VocabSize)).ToArray();
        var examples = Enumerable.Range(0, count).Select(i => new Example(Tokens(), Tokens(), random.Next(config.VocabSize), random.Next(config.VocabSize),
            new Dictionary<string, int[]> { ["END"] = [length - 1], ["MID"] = [length / 2] }, group: $"g{i % 3}", source: $"random #{i}")).ToArray();
        return new Dataset(examples, name: "random");
    }

    public static double MaxRelativeError(Tensor actual, Tensor expected) =>
        ((actual - expected).abs().max() / expected.abs().max().clamp_min(1e-12)).item<float>();

    public static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && (a == b).all().item<bool>();
}
