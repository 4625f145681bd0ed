using System.Globalization;
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

    /// <summary>
    /// Throws <see cref="ModelFormatException"/> naming the first field that makes no sense or passes a bound of
    /// <see cref="ResourceLimits"/>, then the parameter count if it passes <see cref="ResourceLimits.MaxParameters"/>.
    /// Nothing is allocated for a model before this holds.
    /// </summary>
    public void Validate(string source)
    {
        void Require(string? problem)
        {
            if (problem is not null) throw new ModelFormatException(source, $"invalid config: {problem}");
        }
        static string? Size(SizeRange range, string field, int value) => range.Problem(field, value, value.ToString(CultureInfo.InvariantCulture));

        Require(Size(ModelSizes.Layers, "layers", Layers));
        Require(Size(ModelSizes.Heads, "heads", Heads));
        Require(Size(ModelSizes.ModelWidth, "d_model", DModel));
        Require(Size(ModelSizes.HeadWidth, "d_head", DHead));
        Require(Size(ModelSizes.MlpWidth, "d_mlp", DMlp));
        Require(Size(ModelSizes.Vocabulary, "vocab_size", VocabSize));
        Require(Size(ModelSizes.Context, "context_length", ContextLength));
        // The heads' concatenated width is W_O's input: bounded like the residual stream.
        long attentionWidth = (long)Heads * DHead;
        if (attentionWidth > ResourceLimits.MaxModelWidth)
            Require($"heads × d_head is {Heads} × {DHead} = {attentionWidth}, above the limit of {ResourceLimits.MaxModelWidth} (ResourceLimits.MaxModelWidth)");
        if (!(double.IsFinite(LayerNormEpsilon) && LayerNormEpsilon > 0))
            Require($"\"layer_norm_epsilon\" must be a positive number; got {LayerNormEpsilon.ToString(CultureInfo.InvariantCulture)}");
        long parameters = ParameterShapes.Count(this);
        if (parameters > ResourceLimits.MaxParameters)
            Require($"the config declares {parameters} parameters, above the limit of {ResourceLimits.MaxParameters} (ResourceLimits.MaxParameters)");
    }
}

/// <summary>A model file or folder that cannot be used; the message names the file and, where known, the tensor.</summary>
public sealed class ModelFormatException(string source, string message)
    : Exception($"{source}: {message}")
{
    public string ModelSource { get; } = source;
}
