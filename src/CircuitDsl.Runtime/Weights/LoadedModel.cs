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
}

/// <summary>A model with its tokenizer and (for zoo models) its card. Disposing it disposes the model.</summary>
public sealed record LoadedModel(HookedTransformer Model, ITokenizer Tokenizer, JsonNode? Card, ModelFormat Format, string Source) : IDisposable
{
    public void Dispose() => Model.Dispose();
}
