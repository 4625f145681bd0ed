using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Training;

/// <summary>A named model of the zoo: its architecture, the task it learns and how it is trained.</summary>
public sealed record ZooRecipe(string Name, string Task, ModelConfig Config, TrainingSettings Settings, string Purpose);

/// <summary>The recipes of the shipped models; `circuit train` reproduces them.</summary>
public static class ZooRecipes
{
    public static readonly RepeatedTokensTask RepeatedTokens = new();

    static ModelConfig AttentionOnly(string name, int layers) => new()
    {
        Name = name, Layers = layers, Heads = 2, DModel = 64, DHead = 32,
        VocabSize = RepeatedTokens.VocabSize, ContextLength = RepeatedTokens.Length,
        Normalization = Normalization.None,
    };

    public static readonly ZooRecipe AttnOnly2L = new(
        "attn-only-2l", RepeatedTokensTask.Name, AttentionOnly("attn-only-2l", 2),
        new TrainingSettings { Steps = 8000, Seed = 7 },
        "Two attention-only layers: a previous-token head in layer 0 composes with induction heads in layer 1.");

    public static readonly ZooRecipe AttnOnly1L = new(
        "attn-only-1l", RepeatedTokensTask.Name, AttentionOnly("attn-only-1l", 1),
        new TrainingSettings { Steps = 8000, Seed = 7 },
        "Control: one layer cannot compose a previous-token head with an induction head, so repeats stay unpredictable.");

    public static IReadOnlyList<ZooRecipe> All { get; } = [AttnOnly2L, AttnOnly1L];

    public static ZooRecipe? Find(string name) => All.FirstOrDefault(r => r.Name == name);
}
