using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>The <c>repeated_tokens</c> task (induction): its definition and its examples.</summary>
public sealed class RepeatedTokensSource : ITaskSource
{
    const string LengthArgument = "length";

    /// <summary>The one instance.</summary>
    public static RepeatedTokensSource Instance { get; } = new();

    RepeatedTokensSource()
    {
    }

    /// <inheritdoc />
    public TaskDefinition Definition { get; } = new(
        RepeatedTokensTask.Name,
        "random tokens in which a random-length prefix repeats to the end",
        [TaskParts.Count, TaskParts.Seed,
         // The shortest sequence whose random prefix (at least 2 tokens) repeats: the prefixes are 2..length/2.
         new(LengthArgument, TaskParameterKind.PositiveInteger, Required: false, "tokens per example (default: the model's context)") { Minimum = 4 },
         new(TaskRequest.CounterfactualArgument, TaskParameterKind.Choice, Required: false, "how corrupted examples are made") { Choices = ["resample"] }],
        NamedPositions: [RepeatedTokensData.Repeated, RepeatedTokensData.First],
        Answers: [],
        ExampleGroups: [],
        Fields: TaskParts.ExampleContext)
    {
        TokensPerExample = (request, context) => Length(request, context),
    };

    /// <inheritdoc />
    public Dataset Create(TaskRequest request, TaskEnvironment environment)
    {
        int length = Length(request, environment.ContextLength);
        // The default task's prefixes (4..24 of 48) scaled to shorter sequences, so that every sequence repeats.
        int maxPrefix = Math.Min(24, length / 2);
        var generator = new RepeatedTokensTask(environment.Tokenizer.VocabSize, length, Math.Min(4, maxPrefix), maxPrefix);
        return RepeatedTokensData.Create(generator, TaskEnvironment.Count(request, length), TaskEnvironment.Seed(request));
    }

    /// <summary>Tokens per example: the <c>length</c> argument, else the model's context.</summary>
    static int Length(TaskRequest request, int contextLength) => TaskEnvironment.OptionalInt(request, LengthArgument) ?? contextLength;
}
