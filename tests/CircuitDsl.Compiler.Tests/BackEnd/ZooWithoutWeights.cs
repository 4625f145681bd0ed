using CircuitDsl.Interventions.Data;
using CircuitDsl.Language.Binding;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Compiler.Tests.BackEnd;

/// <summary>
/// What `circuit check` and `circuit emit` know of a zoo model, read from its config.json and tokenizer.json only:
/// the shape the binder sees (as the CLI's ConfigModelResolver makes it) and the datasets its tokenizer makes. No
/// weights are loaded, so zoo:gpt2-small, known but not shipped, has both too.
/// </summary>
internal sealed class ZooWithoutWeights : IModelResolver
{
    public static ZooWithoutWeights Instance { get; } = new();

    public ModelResolution Resolve(string reference, string referencingDirectory)
    {
        var c = ZooCatalog.ReadConfig(reference, referencingDirectory);
        return ModelResolution.Found(new ModelShape(c.Name, c.Layers, c.Heads, c.HasMlp, c.DModel, c.VocabSize, c.ContextLength)
        {
            KeyValueHeads = c.KeyValueHeads is { } kv && kv != c.Heads ? kv : null,
            LearnedPositions = !c.IsRotary,
            ParallelBlocks = c.ParallelResidual,
            SandwichNorms = c.SandwichNorms,
        });
    }

    /// <summary>The datasets the CLI would make for <paramref name="reference"/> (ZooDatasets over the model's tokenizer and context).</summary>
    public static IDatasetProvider Datasets(string reference, string referencingDirectory)
    {
        ModelConfig config;
        ITokenizer tokenizer;
        try
        {
            string folder = ZooCatalog.ResolvePath(reference, referencingDirectory);
            config = ModelLoader.ReadConfig(folder);
            tokenizer = TokenizerSpec.Read(Path.Combine(folder, ModelFolder.TokenizerFile)).Create();
        }
        catch (ModelNotShippedException e)
        {
            // The one unshipped model is GPT-2 small, run from a Hugging Face folder, which reads GPT-2's BPE (HfGpt2Checkpoint).
            config = e.Model.Config;
            tokenizer = Gpt2Tokenizer.Instance;
        }
        return new ZooDatasets(tokenizer, config.ContextLength);
    }
}
