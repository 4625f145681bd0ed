using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Zoo;

/// <summary>
/// A zoo name whose architecture is known but whose weights do not travel with CircuitDsl (too large for the
/// repository), so that files naming it bind and compile anywhere and run where the user points at the weights.
/// </summary>
/// <param name="Name">The name after <c>zoo:</c>.</param>
/// <param name="Config">The architecture, enough for binding (layers, heads, MLPs, context).</param>
/// <param name="Weights">What the folder a user points <c>--model</c> at holds.</param>
/// <param name="HubRepository">The Hugging Face repository of the checkpoint, for an <c>hf:</c> reference.</param>
public sealed record UnshippedModel(string Name, ModelConfig Config, string Weights, string HubRepository)
{
    public string Reference => ZooCatalog.Prefix + Name;

    /// <summary>One line: why files on this model are not run, and the two forms of --model that run them.</summary>
    public string NotShippedMessage =>
        $"model {Reference} is not shipped; run it with --model {Reference}=DIR (DIR: {Weights}), or --model {Reference}={HuggingFaceCache.Prefix}{HubRepository} when your Hugging Face cache has it";
}

/// <summary>The known models that are not shipped.</summary>
public static class UnshippedModels
{
    /// <summary>GPT-2 small as Hugging Face's <c>gpt2</c> checkpoint has it (124M parameters, about 500 MB).</summary>
    public static UnshippedModel Gpt2Small { get; } = new("gpt2-small", new ModelConfig
    {
        Name = "gpt2-small",
        Layers = 12,
        Heads = 12,
        DModel = 768,
        DHead = 64,
        DMlp = 3072,
        VocabSize = 50257,
        ContextLength = 1024,
        Normalization = Normalization.LayerNorm,
        Activation = Activation.GeluNew,
        TiedUnembedding = true,
        LayerNormEpsilon = 1e-5,
    }, "Hugging Face's gpt2 folder: config.json, model.safetensors", "openai-community/gpt2");

    public static IReadOnlyList<UnshippedModel> All { get; } = [Gpt2Small];

    public static UnshippedModel? Find(string name) => All.FirstOrDefault(m => m.Name == name);
}

/// <summary>A reference to a known model whose weights are not shipped: not an error in the file, nothing to run.</summary>
public sealed class ModelNotShippedException(UnshippedModel model) : DirectoryNotFoundException(model.NotShippedMessage)
{
    public UnshippedModel Model { get; } = model;
}
