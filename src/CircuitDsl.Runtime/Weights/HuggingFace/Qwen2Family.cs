using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// Qwen2 / Qwen2.5 (model_type qwen2): Llama's math with biases on q, k and v (none on o_proj or the MLP); a
/// sliding window only when use_sliding_window is true, and then on layers max_window_layers and above. No BOS.
/// </summary>
sealed class Qwen2Family : IHfFamily
{
    public static Qwen2Family Instance { get; } = new();
    static readonly LlamaDefaults Defaults = new() { Context = 32768 };

    public string ModelType => "qwen2";
    public ModelFormat Format => ModelFormat.HuggingFaceQwen2;
    public string DisplayName => "Qwen2";

    public HfArchitecture Read(ConfigFields fields, string name)
    {
        var config = LlamaCore.Read(fields, name, Defaults);
        int? window = null;
        LayerSet? windowed = null;
        if (fields.Bool("use_sliding_window") == true)
        {
            window = MistralFamily.Window(fields, "sliding_window", 4096);
            int first = fields.OptionalSize("max_window_layers", ModelSizes.LayerIndex with { Max = ResourceLimits.MaxLayers }) ?? 28;
            windowed = LayerSet.From(first, config.Layers);
        }
        else if (fields.Has("layer_types"))
            window = MistralFamily.Window(fields, "sliding_window", 4096); // layer_types decides, as newer configs write it
        var (w, layers) = HfConfigCommon.Windows(fields, config.Layers, window, windowed);
        config = config with { SlidingWindow = w, WindowedLayers = layers };
        return new HfArchitecture(config, new LlamaTensorMap(config, new LlamaLayout { QkvBias = true }), BeginOfSentence: null);
    }
}
