using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// GPT-NeoX / Pythia (model_type gpt_neox): LayerNorm with biases (layer_norm_eps), partial rotary (rotary_pct of each
/// head, base rotary_emb_base), the parallel residual when use_parallel_residual (the default), an ungated MLP with
/// exact GELU by default, biases on the fused query_key_value and on dense (attention_bias, default true), an untied
/// embed_out. No BOS.
/// </summary>
sealed class GptNeoxFamily : IHfFamily
{
    public static GptNeoxFamily Instance { get; } = new();
    static readonly SizeRange InnerWidth = ModelSizes.MlpWidth with { Min = 1 };

    public string ModelType => "gpt_neox";
    public ModelFormat Format => ModelFormat.HuggingFaceGptNeox;
    public string DisplayName => "GPT-NeoX";

    public HfArchitecture Read(ConfigFields f, string name)
    {
        int layers = f.Size("num_hidden_layers", ModelSizes.Layers), heads = f.Size("num_attention_heads", ModelSizes.Heads);
        int d = f.Size("hidden_size", ModelSizes.ModelWidth), vocab = f.Size("vocab_size", ModelSizes.Vocabulary);
        if (d % heads != 0) throw f.Bad($"\"hidden_size\" {d} is not divisible by \"num_attention_heads\" {heads}");
        int dHead = d / heads;
        var rotary = HfConfigCommon.ReadRotary(f, thetaKey: "rotary_emb_base", partialKey: "rotary_pct", partialDefault: 0.25);
        if (!f.Has("rotary_emb_base") && f.Number("rope_theta") is { } theta) rotary = rotary with { Base = theta };
        var config = new ModelConfig
        {
            Name = name,
            Layers = layers,
            Heads = heads,
            DModel = d,
            DHead = dHead,
            DMlp = f.Size("intermediate_size", InnerWidth),
            VocabSize = vocab,
            ContextLength = f.OptionalSize("max_position_embeddings", ModelSizes.Context) ?? 2048,
            Normalization = Normalization.LayerNorm,
            LayerNormEpsilon = f.Number("layer_norm_eps") ?? 1e-5,
            Activation = HfConfigCommon.ActivationOf(f, "hidden_act", "gelu"),
            Positions = PositionEmbedding.Rotary,
            RotaryBase = rotary.Base,
            RopeScaling = rotary.Scaling,
            RotaryDim = rotary.Dimensions(dHead, f, "rotary_pct"),
            ParallelResidual = f.Bool("use_parallel_residual") ?? true,
            TiedUnembedding = f.Bool("tie_word_embeddings") ?? false,
        };
        return new HfArchitecture(config, new NeoxTensorMap(config, f.Bool("attention_bias") ?? true), BeginOfSentence: null);
    }
}
