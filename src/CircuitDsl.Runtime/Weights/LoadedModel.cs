using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Runtime.Weights;

/// <summary>Where a loaded model came from.</summary>
public enum ModelFormat
{
    /// <summary>The project's own folder: config.json, model.safetensors, tokenizer.json, card.json.</summary>
    CircuitDsl,
    /// <summary>A Hugging Face GPT-2 checkpoint: HF config.json and model.safetensors.</summary>
    HuggingFaceGpt2,
    /// <summary>Hugging Face Llama 2/3 (model_type llama).</summary>
    HuggingFaceLlama,
    /// <summary>Hugging Face Mistral (model_type mistral).</summary>
    HuggingFaceMistral,
    /// <summary>Hugging Face Qwen2 / Qwen2.5 (model_type qwen2).</summary>
    HuggingFaceQwen2,
    /// <summary>Hugging Face GPT-NeoX / Pythia (model_type gpt_neox).</summary>
    HuggingFaceGptNeox,
    /// <summary>Hugging Face Gemma (model_type gemma).</summary>
    HuggingFaceGemma,
    /// <summary>Hugging Face Gemma-2 (model_type gemma2).</summary>
    HuggingFaceGemma2,
}

/// <summary>A model with its tokenizer and (for zoo models) its card. Disposing it disposes the model.</summary>
public sealed record LoadedModel(HookedTransformer Model, ITokenizer Tokenizer, JsonNode? Card, ModelFormat Format, string Source) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
