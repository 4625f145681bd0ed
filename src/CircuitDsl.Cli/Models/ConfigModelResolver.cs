using CircuitDsl.Language.Binding;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo;

namespace CircuitDsl.Cli.Models;

/// <summary>
/// Resolves a file's model reference (zoo:NAME, hf:ORG/NAME or a folder, relative to the file) to its shape by
/// reading the model's config only, so that binding needs no weights (a known model that is not shipped, such as
/// zoo:gpt2-small, binds from its known architecture). <paramref name="models"/> (--model) replaces a file's
/// reference, e.g. to point a GPT-2 file at a local checkpoint.
/// </summary>
public sealed class ConfigModelResolver(ModelMapping? models = null) : IModelResolver
{
    public ModelResolution Resolve(string reference, string referencingDirectory)
    {
        try
        {
            var config = ZooCatalog.ReadConfig((models ?? ModelMapping.None).Apply(reference), referencingDirectory);
            return ModelResolution.Found(ShapeOf(config));
        }
        catch (Exception e) when (e is ModelFormatException or IOException)
        {
            return ModelResolution.NotFound(e.Message);
        }
    }

    public static ModelShape ShapeOf(ModelConfig c) =>
        new(c.Name, c.Layers, c.Heads, c.HasMlp, c.DModel, c.VocabSize, c.ContextLength)
        {
            KeyValueHeads = c.KeyValueHeads is { } kv && kv != c.Heads ? kv : null,
            LearnedPositions = !c.IsRotary,
            ParallelBlocks = c.ParallelResidual,
            SandwichNorms = c.SandwichNorms,
        };
}
