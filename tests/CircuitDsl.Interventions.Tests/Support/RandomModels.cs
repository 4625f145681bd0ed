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

    public static readonly ModelConfig[] All = [Gpt2Like, AttentionOnly];

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
