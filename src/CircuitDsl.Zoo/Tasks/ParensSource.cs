using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>The <c>parens</c> task (the paren balancer of Chan et al. 2022): its definition and its examples.</summary>
public sealed class ParensSource : ITaskSource
{
    const string LengthArgument = "length";

    /// <summary>Chan et al.'s number of parentheses, the default where the context holds them.</summary>
    const int DefaultLength = 40;

    /// <summary>The one instance.</summary>
    public static ParensSource Instance { get; } = new();

    ParensSource()
    {
    }

    /// <inheritdoc />
    public TaskDefinition Definition { get; } = new(
        ParensTask.Name,
        "strings of parentheses classified as balanced or not at the classifier position",
        [TaskParts.Count, TaskParts.Seed,
         new(LengthArgument, TaskParameterKind.PositiveInteger, Required: false, $"the most parentheses per example (default {DefaultLength})") { Minimum = 2 }],
        // open/close/negative mark parentheses; equal_count, starts_open and never_negative mark END when the feature holds.
        NamedPositions: [.. ParensData.PositionNames],
        // The true label's token and the other label's, so logit_diff and accuracy mean "classified right".
        Answers: ["correct", "wrong"],
        ExampleGroups: [],
        Fields: TaskParts.ExampleContext)
    {
        // In long: a length of int.MaxValue is refused as longer than the context, not wrapped round.
        TokensPerExample = (request, context) => (long)Length(request, context) + ParensTask.Markers,
    };

    /// <inheritdoc />
    public Dataset Create(TaskRequest request, TaskEnvironment environment)
    {
        environment.RequireVocabulary(ParensTask.Name, ParensTask.VocabSize);
        var task = new ParensTask(Length(request, environment.ContextLength));
        environment.RequireContext(ParensTask.Name, task.SequenceLength);
        return ParensData.Create(task, TaskEnvironment.Count(request, task.SequenceLength), TaskEnvironment.Seed(request));
    }

    /// <summary>The <c>length</c> argument, else 40 parentheses, or fewer where <c>&lt;start&gt;</c> and <c>&lt;end&gt;</c> would not fit the context.</summary>
    static int Length(TaskRequest request, int contextLength) =>
        TaskEnvironment.OptionalInt(request, LengthArgument) ?? Math.Min(DefaultLength, contextLength - ParensTask.Markers);
}
