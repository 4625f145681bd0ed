using System.Globalization;
using System.Text.Json.Serialization;

namespace CircuitDsl.Runtime.Model;

/// <summary>
/// Normalisation applied before attention, before the MLP and before the unembedding: LayerNorm (centred, with a
/// bias) or RMSNorm (x / √(mean x² + ε) · w, no centring, no bias). Gemma's 1 + w is folded into w when loaded.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Normalization>))]
public enum Normalization { LayerNorm, None, RmsNorm }

/// <summary>MLP non-linearity. GeluNew is the tanh approximation (GPT-2's gelu_new, Gemma's gelu_pytorch_tanh); Gelu is exact (erf).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Activation>))]
public enum Activation { GeluNew, Gelu, Relu, Silu }

/// <summary>How positions enter: a learned embedding added to the tokens (GPT-2), or rotary embeddings of q and k (Llama and later).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PositionEmbedding>))]
public enum PositionEmbedding { Learned, Rotary }

/// <summary>How fresh weights are drawn (see <see cref="HookedTransformer.InitializeWeights"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WeightInit>))]
public enum WeightInit { Gpt2, Torch }

/// <summary>
/// The shape and architecture of a decoder-only transformer, as settings rather than one class per family: GPT-2
/// (pre-LayerNorm, learned positions, MLPs), attention-only models (<see cref="DMlp"/> = 0), and the Llama line
/// (RMSNorm, rotary, grouped-query attention, gated MLPs), GPT-NeoX (partial rotary, parallel residual) and Gemma-2
/// (sandwich norms, soft-caps, alternating sliding windows). ../../docs/architectures.md maps each family's
/// Hugging Face config onto these fields.
/// </summary>
public sealed partial record ModelConfig
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
    /// <summary>ε of every LayerNorm or RMSNorm.</summary>
    public double LayerNormEpsilon { get; init; } = 1e-5;

    /// <summary>Key/value heads under grouped-query attention (null: one per query head). Query head h reads kv head h / (Heads / KeyValueHeads).</summary>
    public int? KeyValueHeads { get; init; }
    public PositionEmbedding Positions { get; init; } = PositionEmbedding.Learned;
    /// <summary>Rotated dimensions of each q/k head (the first ones, rotate-half convention); null with rotary: all of d_head.</summary>
    public int? RotaryDim { get; init; }
    /// <summary>θ of the rotary frequencies θ^(−2j/r).</summary>
    public double RotaryBase { get; init; } = 10_000;
    /// <summary>Llama-3.1's frequency rescaling of the rotary embedding (rope_scaling of type llama3), or null.</summary>
    public RopeScaling? RopeScaling { get; init; }
    /// <summary>MLP out = W_out(act(x W_gate) ⊙ x W_in) (SwiGLU, GeGLU) rather than W_out(act(x W_in)).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool GatedMlp { get; init; }
    /// <summary>GPT-NeoX's parallel block: x' = x + attn(ln1(x)) + mlp(ln2(x)); the MLP does not read its own layer's heads.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ParallelResidual { get; init; }
    /// <summary>Gemma-2's sandwich norms: the attention output and the MLP output are normalised (ln1_post, ln2_post) before they are added.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool SandwichNorms { get; init; }
    /// <summary>The attention scores' multiplier; null: 1/√d_head (Gemma-2: 1/√query_pre_attn_scalar).</summary>
    public double? AttentionScale { get; init; }
    /// <summary>Scores become c·tanh(scores/c) before the mask (Gemma-2's attn_logit_softcapping), or null.</summary>
    public double? AttentionSoftCap { get; init; }
    /// <summary>Logits become c·tanh(logits/c) (Gemma-2's final_logit_softcapping), or null.</summary>
    public double? LogitSoftCap { get; init; }
    /// <summary>A query at t sees only keys s with t − s &lt; SlidingWindow on the layers in <see cref="WindowedLayers"/>; null: full causal attention.</summary>
    public int? SlidingWindow { get; init; }
    /// <summary>The layers that use <see cref="SlidingWindow"/>; null: every layer.</summary>
    public LayerSet? WindowedLayers { get; init; }
    /// <summary>Token embeddings are multiplied by this (Gemma: √d_model); hook_embed holds the scaled value.</summary>
    public double EmbeddingScale { get; init; } = 1;

    [JsonIgnore] public bool HasMlp => DMlp > 0;
    /// <summary>Whether the model normalises (LayerNorm or RMSNorm): then ln1, ln2 and ln_final exist and have a scale hook.</summary>
    [JsonIgnore] public bool HasNormalization => Normalization != Normalization.None;
    [JsonIgnore] public bool IsRotary => Positions == PositionEmbedding.Rotary;
    [JsonIgnore] public int KvHeads => KeyValueHeads ?? Heads;
    /// <summary>Query heads per key/value head (1 without grouped-query attention).</summary>
    [JsonIgnore] public int QueriesPerKvHead => Heads / KvHeads;
    [JsonIgnore] public int RotaryDimensions => IsRotary ? RotaryDim ?? DHead : 0;
    [JsonIgnore] public double ScoreScale => AttentionScale ?? 1 / Math.Sqrt(DHead);

    /// <summary>The key/value head that query head <paramref name="head"/> reads.</summary>
    public int KvHeadOf(int head) => head / QueriesPerKvHead;

    /// <summary>The sliding window of <paramref name="layer"/>, or null when it attends to every earlier position.</summary>
    public int? WindowOf(int layer) => SlidingWindow is { } w && (WindowedLayers?.Contains(layer) ?? true) ? w : null;

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
        Require(ArchitectureProblem());
        long parameters = ParameterShapes.Count(this);
        if (parameters > ResourceLimits.MaxParameters)
            Require($"the config declares {parameters} parameters, above the limit of {ResourceLimits.MaxParameters} (ResourceLimits.MaxParameters)");
    }
}

/// <summary>Llama-3.1's rotary rescaling (Hugging Face rope_scaling {"rope_type": "llama3", ...}).</summary>
public sealed record RopeScaling(double Factor, double LowFreqFactor, double HighFreqFactor, int OriginalContextLength);

/// <summary>A model file or folder that cannot be used; the message names the file and, where known, the tensor.</summary>
public sealed class ModelFormatException(string source, string message)
    : Exception($"{source}: {message}")
{
    public string ModelSource { get; } = source;
}
