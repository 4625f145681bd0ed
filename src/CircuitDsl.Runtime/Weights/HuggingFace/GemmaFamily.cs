using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// Gemma (model_type gemma) and Gemma-2 (gemma2): the Llama core with RMSNorm scaling by 1 + w (folded on load),
/// GeGLU (hidden_activation, default gelu_pytorch_tanh; the legacy hidden_act is ignored, as Hugging Face does),
/// token embeddings times √d_model, tied unembedding, BOS &lt;bos&gt; = 2. Gemma-2 adds sandwich norms, the attention scale
/// query_pre_attn_scalar^−½, soft-caps on the scores (attn_logit_softcapping) and logits (final_logit_softcapping),
/// and a sliding window on layers 0, 2, 4, ….
/// </summary>
sealed class GemmaFamily : IHfFamily
{
    public static GemmaFamily Gemma { get; } = new(second: false);
    public static GemmaFamily Gemma2 { get; } = new(second: true);

    static readonly LlamaDefaults Defaults = new()
    {
        ActivationKey = "hidden_activation", Activation = "gelu_pytorch_tanh", Tied = true, Context = 8192, HeadDim = 256, BeginOfSentence = 2,
    };

    readonly bool second;

    GemmaFamily(bool second) => this.second = second;

    public string ModelType => second ? "gemma2" : "gemma";
    public ModelFormat Format => second ? ModelFormat.HuggingFaceGemma2 : ModelFormat.HuggingFaceGemma;
    public string DisplayName => second ? "Gemma-2" : "Gemma";

    public HfArchitecture Read(ConfigFields fields, string name)
    {
        var config = LlamaCore.Read(fields, name, Defaults);
        // Hugging Face builds the normaliser √d in the activations' dtype; in float32 that is √d rounded to float32.
        config = config with { EmbeddingScale = (float)Math.Sqrt(config.DModel) };
        if (second)
        {
            double scalar = fields.Number("query_pre_attn_scalar") ?? 256;
            if (!(scalar > 0)) throw fields.Bad("\"query_pre_attn_scalar\" must be a positive number");
            var (window, layers) = HfConfigCommon.Windows(fields, config.Layers, MistralFamily.Window(fields, "sliding_window", 4096), LayerSet.Even(config.Layers));
            config = config with
            {
                SandwichNorms = true,
                AttentionScale = 1 / Math.Sqrt(scalar),
                AttentionSoftCap = SoftCap(fields, "attn_logit_softcapping", 50),
                LogitSoftCap = SoftCap(fields, "final_logit_softcapping", 30),
                SlidingWindow = window,
                WindowedLayers = layers,
            };
        }
        var layout = new LlamaLayout { NormOffset = true, Sandwich = second };
        return new HfArchitecture(config, new LlamaTensorMap(config, layout), LlamaCore.BeginOfSentence(fields, Defaults));
    }

    /// <summary>A soft-cap: <paramref name="absent"/> when the key is missing, none when it is null.</summary>
    static double? SoftCap(ConfigFields fields, string key, double absent) => fields.NumberOr(key, absent) switch
    {
        null => null,
        > 0 and var cap => cap,
        _ => throw fields.Bad($"\"{key}\" must be a positive number or null"),
    };
}
