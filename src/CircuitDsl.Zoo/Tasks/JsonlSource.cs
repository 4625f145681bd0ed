using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>The <c>jsonl</c> task: the user's prompts, one JSON object per line, read with the model's tokenizer.</summary>
public sealed class JsonlSource : ITaskSource
{
    /// <summary>The task's name.</summary>
    public const string Name = "jsonl";

    const string PathArgument = "path";
    const string PositionsArgument = "positions";
    const string AnswersArgument = "answers";

    /// <summary>The one instance.</summary>
    public static JsonlSource Instance { get; } = new();

    JsonlSource()
    {
    }

    /// <summary>Positions and answers are declared in the data statement, since only the file knows them.</summary>
    public TaskDefinition Definition { get; } = new(
        Name,
        "user prompts from a JSON-lines file",
        [new(PathArgument, TaskParameterKind.FilePath, Required: true, "the prompts file, relative to the .circuit file") { Positional = true },
         new(TaskRequest.CounterfactualArgument, TaskParameterKind.FilePath, Required: false, "corrupted prompts, line by line with the prompts"),
         TaskParts.Count with { Required = false, Description = "use only the first count examples" },
         TaskParts.Seed with { Required = false, Description = "random seed for sampling" },
         new(PositionsArgument, TaskParameterKind.NameList, Required: false, "the named positions each line defines"),
         new(AnswersArgument, TaskParameterKind.NameList, Required: false, "the answer tokens each line defines")],
        NamedPositions: [],
        Answers: [],
        ExampleGroups: [],
        Fields: TaskParts.ExampleContext)
    {
        PositionsParameter = PositionsArgument,
        AnswersParameter = AnswersArgument,
    };

    /// <inheritdoc />
    public Dataset Create(TaskRequest request, TaskEnvironment environment)
    {
        var data = Load(request.FilePath(PathArgument), environment);
        if (request.OptionalFilePath(TaskRequest.CounterfactualArgument) is { } counterfactuals)
            data = Paired(data, Load(counterfactuals, environment));
        return TaskEnvironment.OptionalInt(request, TaskRequest.CountArgument) is { } count ? data.Take(count) : data;
    }

    static Dataset Load(string path, TaskEnvironment environment) =>
        JsonlDataset.Load(Path.GetFullPath(path, environment.BaseDirectory), environment.Tokenizer);

    /// <summary>The counterfactual file's prompts, line by line, become each reference's counterfactual.</summary>
    static Dataset Paired(Dataset prompts, Dataset counterfactuals)
    {
        // Two sources of pairs would leave one silently unused.
        if (prompts.HasCounterfactuals)
            throw new ArgumentException($"{prompts.Name} gives each line its own 'counterfactual', and a counterfactual file is named too; use one of them");
        if (counterfactuals.Count != prompts.Count)
            throw new ArgumentException($"{counterfactuals.Name} holds {counterfactuals.Count} prompts but {prompts.Name} holds {prompts.Count}; they pair line by line");
        var examples = prompts.Examples.Select((e, i) => new Example(e.Tokens, counterfactuals.Examples[i].Tokens, e.Answer, e.WrongAnswer,
            e.PositionNames.ToDictionary(n => n, e.NamedPositions, StringComparer.Ordinal), e.Group, e.Source)).ToArray();
        return new Dataset(examples, name: prompts.Name);
    }
}
