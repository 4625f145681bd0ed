using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>What a Llama-like family's config.json leaves out, as its Hugging Face config class defaults it.</summary>
sealed record LlamaDefaults
{
    public string ActivationKey { get; init; } = "hidden_act";
    public string Activation { get; init; } = "silu";
    public bool Tied { get; init; }
    public int Context { get; init; } = 2048;
    /// <summary>null: hidden_size / num_attention_heads.</summary>
    public int? HeadDim { get; init; }
    public int BeginOfSentence { get; init; } = 1;
}

/// <summary>
/// The config keys of the Llama core that Llama, Mistral, Qwen2, Gemma and Gemma-2 share: RMSNorm, rotary
/// (rotate-half), grouped-query attention, a gated MLP without biases.
/// </summary>
static class LlamaCore
{
    // An MLP has a hidden layer here: the gated families have no attention-only variant.
    static readonly SizeRange InnerWidth = ModelSizes.MlpWidth with { Min = 1 };

    public static ModelConfig Read(ConfigFields f, string name, LlamaDefaults defaults)
    {
        int layers = f.Size("num_hidden_layers", ModelSizes.Layers), heads = f.Size("num_attention_heads", ModelSizes.Heads);
        int d = f.Size("hidden_size", ModelSizes.ModelWidth), vocab = f.Size("vocab_size", ModelSizes.Vocabulary);
        int mlp = f.Size("intermediate_size", InnerWidth);
        int kv = f.OptionalSize("num_key_value_heads", ModelSizes.Heads) ?? heads;
        if (kv > heads || heads % kv != 0)
            throw f.Bad($"\"num_key_value_heads\" {kv} must divide \"num_attention_heads\" {heads}");
        int? headDim = f.OptionalSize("head_dim", ModelSizes.HeadWidth) ?? defaults.HeadDim;
        if (headDim is null && d % heads != 0)
            throw f.Bad($"\"hidden_size\" {d} is not divisible by \"num_attention_heads\" {heads}, and there is no \"head_dim\"");
        int dHead = headDim ?? d / heads;
        if (f.Bool("mlp_bias") == true)
            throw f.Bad("\"mlp_bias\" = true is not supported: the gated MLP's gate has no bias here");
        var rotary = HfConfigCommon.ReadRotary(f);
        return new ModelConfig
        {
            Name = name,
            Layers = layers,
            Heads = heads,
            KeyValueHeads = kv == heads ? null : kv,
            DModel = d,
            DHead = dHead,
            DMlp = mlp,
            VocabSize = vocab,
            ContextLength = f.OptionalSize("max_position_embeddings", ModelSizes.Context) ?? defaults.Context,
            Normalization = Normalization.RmsNorm,
            LayerNormEpsilon = f.Number("rms_norm_eps") ?? 1e-6,
            Activation = HfConfigCommon.ActivationOf(f, defaults.ActivationKey, defaults.Activation),
            GatedMlp = true,
            Positions = PositionEmbedding.Rotary,
            RotaryBase = rotary.Base,
            RopeScaling = rotary.Scaling,
            RotaryDim = rotary.Dimensions(dHead, f, "partial_rotary_factor"),
            TiedUnembedding = f.Bool("tie_word_embeddings") ?? defaults.Tied,
        };
    }

    /// <summary>config.json's bos_token_id (a single id), else the family's.</summary>
    public static int BeginOfSentence(ConfigFields f, LlamaDefaults defaults) =>
        f.OptionalSize("bos_token_id", ModelSizes.Vocabulary with { Min = 0 }) ?? defaults.BeginOfSentence;
}

/// <summary>How a Llama-like checkpoint names and stores its tensors.</summary>
sealed record LlamaLayout
{
    /// <summary>q_proj, k_proj and v_proj have biases (Qwen2; Llama with attention_bias).</summary>
    public bool QkvBias { get; init; }
    /// <summary>o_proj has a bias (Llama with attention_bias).</summary>
    public bool OutputBias { get; init; }
    /// <summary>Gemma's RMSNorm multiplies by 1 + w: the stored offsets are folded into the weights on load.</summary>
    public bool NormOffset { get; init; }
    /// <summary>Gemma-2's four norms per layer (input, post_attention, pre_feedforward, post_feedforward).</summary>
    public bool Sandwich { get; init; }
}
