namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// Llama 2 / 3 / 3.1 / 3.2 (model_type llama): the Llama core with SwiGLU; attention_bias adds q/k/v/o biases;
/// rope_scaling of type llama3 rescales the rotary frequencies. BOS is config.json's bos_token_id (Llama-2 1, Llama-3 128000).
/// </summary>
sealed class LlamaFamily : IHfFamily
{
    public static LlamaFamily Instance { get; } = new();
    static readonly LlamaDefaults Defaults = new();

    public string ModelType => "llama";
    public ModelFormat Format => ModelFormat.HuggingFaceLlama;
    public string DisplayName => "Llama";

    public HfArchitecture Read(ConfigFields fields, string name)
    {
        var config = LlamaCore.Read(fields, name, Defaults);
        bool bias = fields.Bool("attention_bias") ?? false;
        return new HfArchitecture(config, new LlamaTensorMap(config, new LlamaLayout { QkvBias = bias, OutputBias = bias }), LlamaCore.BeginOfSentence(fields, Defaults));
    }
}
