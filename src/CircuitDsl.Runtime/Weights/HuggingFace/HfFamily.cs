using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>
/// One Hugging Face model family, recognised by config.json's <c>model_type</c>: how its config maps onto a
/// <see cref="ModelConfig"/> and which tensors of its checkpoint become which parameters.
/// </summary>
interface IHfFamily
{
    /// <summary>config.json's model_type.</summary>
    string ModelType { get; }
    ModelFormat Format { get; }
    /// <summary>The family's name in messages ("Llama", "GPT-NeoX").</summary>
    string DisplayName { get; }
    /// <summary>Reads config.json (problems name the file and key) into the model's config and its tensor map.</summary>
    HfArchitecture Read(ConfigFields fields, string name);
}

/// <summary>
/// A checkpoint's architecture: the model config, its tensor map, and the token the family's tokenizer puts first
/// (Llama-2 and Mistral &lt;s&gt;, Llama-3 &lt;|begin_of_text|&gt;, Gemma &lt;bos&gt;; null for Qwen2 and GPT-NeoX).
/// </summary>
sealed record HfArchitecture(ModelConfig Config, HfTensorMap Tensors, int? BeginOfSentence);

/// <summary>The model families Hugging Face folders load as, by model_type.</summary>
static class HfFamilies
{
    static readonly IHfFamily[] All =
    [
        LlamaFamily.Instance, MistralFamily.Instance, Qwen2Family.Instance,
        GemmaFamily.Gemma, GemmaFamily.Gemma2, GptNeoxFamily.Instance,
    ];

    /// <summary>Every supported model_type, GPT-2's included, for messages.</summary>
    public static string Supported => string.Join(", ", new[] { "gpt2" }.Concat(All.Select(f => f.ModelType)));

    public static IHfFamily? Find(string modelType) => All.FirstOrDefault(f => f.ModelType == modelType);

    public static IHfFamily? Find(ModelFormat format) => All.FirstOrDefault(f => f.Format == format);
}
