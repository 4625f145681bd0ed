using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>The <c>ioi</c> task (indirect object identification, Wang et al. 2022): its definition and its examples.</summary>
public sealed class IoiSource : ITaskSource
{
    const string TemplatesArgument = "templates";

    /// <summary>The counterfactual choices by name; the first is the default. (Before <see cref="Instance"/>, whose definition lists them.)</summary>
    public static IReadOnlyList<(string Name, IoiCounterfactual Counterfactual)> Counterfactuals { get; } =
        [("abc", IoiCounterfactual.Abc), ("resample", IoiCounterfactual.Resample)];

    /// <summary>The one instance.</summary>
    public static IoiSource Instance { get; } = new();

    IoiSource()
    {
    }

    /// <inheritdoc />
    public TaskDefinition Definition { get; } = new(
        IoiTask.Name,
        "indirect object identification prompts (BABA and ABBA templates with single-token names)",
        [TaskParts.Count, TaskParts.Seed,
         new(TaskRequest.CounterfactualArgument, TaskParameterKind.Choice, Required: false, "the corrupted distribution: p_ABC (three unrelated names) or a resampled prompt")
         {
             Choices = [.. Counterfactuals.Select(c => c.Name)],
         },
         new(TemplatesArgument, TaskParameterKind.Choice, Required: false, "which template family") { Choices = [.. IoiTemplates.Families] }],
        NamedPositions: [.. IoiData.PositionNames],
        Answers: ["IO", "S"],
        ExampleGroups: ["template"],
        Fields: TaskParts.ExampleContext)
    {
        TokensPerExample = (_, _) => IoiTemplates.PromptLength,
    };

    /// <inheritdoc />
    public Dataset Create(TaskRequest request, TaskEnvironment environment)
    {
        var ids = Words(environment);
        var chosen = Counterfactual(request.OptionalChoice(TaskRequest.CounterfactualArgument) ?? Counterfactuals[0].Name);
        var task = new IoiTask(request.OptionalChoice(TemplatesArgument) ?? IoiTemplates.Families[0]);
        environment.RequireContext(IoiTask.Name, IoiTemplates.PromptLength);
        return IoiData.Create(task, TaskEnvironment.Count(request, IoiTemplates.PromptLength), TaskEnvironment.Seed(request), chosen, ids);
    }

    /// <summary>The counterfactual a choice names; one the definition does not offer (a request made by hand) is named.</summary>
    static IoiCounterfactual Counterfactual(string name) =>
        Counterfactuals.Where(c => c.Name == name).Select(c => (IoiCounterfactual?)c.Counterfactual).FirstOrDefault()
        ?? throw new ArgumentException($"ioi's counterfactual must be {string.Join(" or ", Counterfactuals.Select(c => c.Name))}, not '{name}'");

    /// <summary>GPT-2 reads ioi's words as text; an integer-token model reads the task's own ids.</summary>
    static IoiWordIds Words(TaskEnvironment environment)
    {
        if (environment.Tokenizer.Spec.Kind == TokenizerSpec.Gpt2Kind) return IoiWordIds.Gpt2;
        environment.RequireVocabulary(IoiTask.Name, IoiVocabulary.Size);
        return IoiWordIds.Integer;
    }
}
