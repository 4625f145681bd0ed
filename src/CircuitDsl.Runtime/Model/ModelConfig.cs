using System.Text.Json.Serialization;

namespace CircuitDsl.Runtime.Model;

/// <summary>Normalisation applied before attention, before the MLP and before the unembedding.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Normalization>))]
public enum Normalization { LayerNorm, None }

/// <summary>MLP non-linearity. GeluNew is GPT-2's tanh approximation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation { GeluNew, Gelu, Relu }

/// <summary>How fresh weights are drawn (see <see cref="HookedTransformer.InitializeWeights"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WeightInit>))]
public enum WeightInit { Gpt2, Torch }

/// <summary>
/// The shape and architecture of a transformer: a GPT-2 family model (pre-LayerNorm, learned positions,
/// MLPs) or an attention-only model (<see cref="DMlp"/> = 0, with or without LayerNorm).
/// </summary>
public sealed record ModelConfig
{
    public required string Name { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int DModel { get; init; }
    public required int DHead { get; init; }
    /// <summary>Hidden width of each MLP; 0 means attention-only (no MLP blocks).</summary>
    public int DMlp { get; init; }
    public required int VocabSize { get; init; }
    public required int ContextLength { get; init; }
    public Normalization Normalization { get; init; } = Normalization.LayerNorm;
    public Activation Activation { get; init; } = Activation.GeluNew;
    /// <summary>Whether the unembedding is the transposed token embedding (GPT-2) rather than its own matrix.</summary>
    public bool TiedUnembedding { get; init; }
    public double LayerNormEpsilon { get; init; } = 1e-5;

    [JsonIgnore] public bool HasMlp => DMlp > 0;
    [JsonIgnore] public bool HasLayerNorm => Normalization == Normalization.LayerNorm;

    /// <summary>Throws <see cref="ModelFormatException"/> naming the first field that makes no sense.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new ModelFormatException(source, $"invalid config: {what}");
        }
        Require(Layers > 0, $"layers must be positive (got {Layers})");
        Require(Heads > 0, $"heads must be positive (got {Heads})");
        Require(DModel > 0 && DHead > 0, $"d_model and d_head must be positive (got {DModel}, {DHead})");
        Require(DMlp >= 0, $"d_mlp must not be negative (got {DMlp})");
        Require(VocabSize > 0, $"vocab_size must be positive (got {VocabSize})");
        Require(ContextLength > 0, $"context_length must be positive (got {ContextLength})");
        Require(LayerNormEpsilon > 0, $"layer_norm_epsilon must be positive (got {LayerNormEpsilon})");
    }
}

/// <summary>A model file or folder that cannot be used; the message names the file and, where known, the tensor.</summary>
public sealed class ModelFormatException(string source, string message)
    : Exception($"{source}: {message}")
{
    public string ModelSource { get; } = source;
}
