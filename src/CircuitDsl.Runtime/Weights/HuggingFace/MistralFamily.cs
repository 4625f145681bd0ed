using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// Mistral (model_type mistral): Llama's math with a sliding window on every layer when sliding_window is not null
/// (Hugging Face's default is 4096 when the key is absent).
/// </summary>
sealed class MistralFamily : IHfFamily
{
    public static MistralFamily Instance { get; } = new();
    static readonly LlamaDefaults Defaults = new() { Context = 4096 * 32 };

    public string ModelType => "mistral";
    public ModelFormat Format => ModelFormat.HuggingFaceMistral;
    public string DisplayName => "Mistral";

    public HfArchitecture Read(ConfigFields fields, string name)
    {
        var config = LlamaCore.Read(fields, name, Defaults);
        int? window = Window(fields, "sliding_window", 4096);
        var (w, layers) = HfConfigCommon.Windows(fields, config.Layers, window, windowed: null);
        config = config with { SlidingWindow = w, WindowedLayers = layers };
        return new HfArchitecture(config, new LlamaTensorMap(config, new LlamaLayout()), LlamaCore.BeginOfSentence(fields, Defaults));
    }

    /// <summary>A window size: <paramref name="absent"/> when the key is missing, null when it is written as null.</summary>
    internal static int? Window(ConfigFields fields, string key, int absent) =>
        fields.Has(key) ? fields.OptionalSize(key, ModelSizes.Context) : absent;
}
