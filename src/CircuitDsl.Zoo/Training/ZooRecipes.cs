using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Training;

/// <summary>A named model of the zoo: its architecture, the task it learns and how it is trained.</summary>
public sealed record ZooRecipe(string Name, ITrainingTask Task, ModelConfig Config, TrainingSettings Settings, string Purpose);

/// <summary>The recipes of the shipped models; `circuit train` reproduces them.</summary>
public static class ZooRecipes
{
    public static readonly RepeatedTokensTask RepeatedTokens = new();
    static readonly RepeatedTokensTraining RepeatedTokensTraining = new(RepeatedTokens);

    static ModelConfig AttentionOnly(string name, int layers) => new()
    {
        Name = name, Layers = layers, Heads = 2, DModel = 64, DHead = 32,
        VocabSize = RepeatedTokens.VocabSize, ContextLength = RepeatedTokens.Length,
        Normalization = Normalization.None,
    };

    /// <summary>A small GPT-2-style model: pre-LayerNorm, MLPs four times as wide as the residual stream.</summary>
    static ModelConfig WithMlps(string name, ITrainingTask task, int layers, int heads, int dModel) => new()
    {
        Name = name, Layers = layers, Heads = heads, DModel = dModel, DHead = dModel / heads, DMlp = 4 * dModel,
        VocabSize = task.VocabSize, ContextLength = task.Length,
    };

    /// <summary>
    /// A small Llama: RMSNorm, rotary positions (no learned position embedding), grouped-query attention (4 query
    /// heads reading 2 key/value heads), SwiGLU MLPs about 8/3 as wide as the residual stream, no biases.
    /// </summary>
    static ModelConfig Llama(string name, int layers) => new()
    {
        Name = name, Layers = layers, Heads = 4, KeyValueHeads = 2, DModel = 64, DHead = 16, DMlp = 176,
        VocabSize = RepeatedTokens.VocabSize, ContextLength = RepeatedTokens.Length,
        Normalization = Normalization.RmsNorm, Positions = PositionEmbedding.Rotary,
        GatedMlp = true, Activation = Activation.Silu,
    };

    public static readonly ZooRecipe AttnOnly2L = new(
        "attn-only-2l", RepeatedTokensTraining, AttentionOnly("attn-only-2l", 2),
        new TrainingSettings { Steps = 8000, Seed = 7 },
        "Two attention-only layers: a previous-token head in layer 0 composes with induction heads in layer 1.");

    public static readonly ZooRecipe AttnOnly1L = new(
        "attn-only-1l", RepeatedTokensTraining, AttentionOnly("attn-only-1l", 1),
        new TrainingSettings { Steps = 8000, Seed = 7 },
        "Control: one layer cannot compose a previous-token head with an induction head, so repeats stay unpredictable.");

    static readonly IoiTraining IoiTraining = new(new IoiTask());

    public static readonly ZooRecipe Ioi = new(
        "ioi-2l", IoiTraining, WithMlps("ioi-2l", IoiTraining, layers: 2, heads: 4, dModel: 64),
        new TrainingSettings { Steps = 3000, Seed = 7, Threads = 1 },
        "Indirect object identification on the ioi templates: names the indirect object at END, trained on nothing else.");

    static readonly ParensTraining ParensTraining = new(new ParensTask());

    public static readonly ZooRecipe Parens = new(
        "parens-3l", ParensTraining, WithMlps("parens-3l", ParensTraining, layers: 3, heads: 2, dModel: 56),
        new TrainingSettings { Steps = 6000, Seed = 7, Threads = 1 },
        "Balanced-parentheses classification (Chan et al.'s reference size: 3 layers of 2 heads with MLPs), read at END.");

    public static readonly ZooRecipe Llama2L = new(
        "llama-2l", RepeatedTokensTraining, Llama("llama-2l", 2),
        new TrainingSettings { Steps = 4000, Seed = 7, Threads = 1, Biases = false },
        "Induction on a Llama-style model (RMSNorm, rotary, grouped-query attention, SwiGLU): with no learned positions "
        + "the previous-token head must come from the rotary embedding.");

    public static IReadOnlyList<ZooRecipe> All { get; } = [AttnOnly2L, AttnOnly1L, Ioi, Parens, Llama2L];

    public static ZooRecipe? Find(string name) => All.FirstOrDefault(r => r.Name == name);
}
