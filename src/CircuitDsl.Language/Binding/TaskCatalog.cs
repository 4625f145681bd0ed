using System.Collections.Immutable;

namespace CircuitDsl.Language.Binding;

/// <summary>The type of a task argument.</summary>
public enum TaskParameterKind
{
    /// <summary>A whole number of at least 1 (sample counts, lengths).</summary>
    PositiveInteger,

    /// <summary>Any whole number (seeds).</summary>
    Integer,

    /// <summary>A quoted file path, relative to the .circuit file.</summary>
    FilePath,

    /// <summary>One of <see cref="TaskParameter.Choices"/>, written as a bare name.</summary>
    Choice,

    /// <summary>A list of names: <c>[END, S2]</c>.</summary>
    NameList,
}

/// <summary>One argument a task takes.</summary>
public sealed record TaskParameter(string Name, TaskParameterKind Kind, bool Required, string Description)
{
    /// <summary>True when the argument may be given without its name (only as the first argument).</summary>
    public bool Positional { get; init; }

    /// <summary>The allowed values of a <see cref="TaskParameterKind.Choice"/>; the first is the default.</summary>
    public ImmutableArray<string> Choices { get; init; } = [];

    /// <summary>The smallest whole number the argument takes; below it is CD2019 (a count or length of 0 makes no sense).</summary>
    public long Minimum { get; init; } = Kind == TaskParameterKind.PositiveInteger ? 1 : long.MinValue;

    /// <summary>The largest whole number the argument's type holds; above it is CD1007. The engine reads counts and lengths as int.</summary>
    public long Maximum { get; init; } = Kind == TaskParameterKind.PositiveInteger ? int.MaxValue : long.MaxValue;
}

/// <summary>A per-example member that causal-variable expressions can use on <c>x</c> (a C# signature).</summary>
public sealed record TaskField(string Signature, string Description);

/// <summary>
/// A task: how examples are made, which positions and answers each example names, how examples are grouped,
/// and what a causal-variable expression sees. User data names its positions and answers through arguments
/// (<see cref="PositionsParameter"/>, <see cref="AnswersParameter"/>).
/// </summary>
public sealed record TaskDefinition(
    string Name,
    string Description,
    ImmutableArray<TaskParameter> Parameters,
    ImmutableArray<string> NamedPositions,
    ImmutableArray<string> Answers,
    ImmutableArray<string> ExampleGroups,
    ImmutableArray<TaskField> Fields)
{
    /// <summary>The argument that lists the named positions (user data), if any.</summary>
    public string? PositionsParameter { get; init; }

    /// <summary>The argument that lists the answers (user data), if any.</summary>
    public string? AnswersParameter { get; init; }

    /// <summary>
    /// Tokens in one example, from the bound arguments and the model's context, so that a dataset too large to make
    /// is refused before any example is (CD2036); null where only the data can tell (a JSONL file, checked as it is read).
    /// </summary>
    public Func<IReadOnlyDictionary<string, object>, int, long>? TokensPerExample { get; init; }
}

/// <summary>The tasks the binder knows by name. Add a task with <see cref="With"/>.</summary>
public sealed class TaskCatalog
{
    private readonly ImmutableDictionary<string, TaskDefinition> _tasks;

    private TaskCatalog(ImmutableDictionary<string, TaskDefinition> tasks) => _tasks = tasks;

    /// <summary>The built-in tasks: repeated_tokens, ioi, parens and jsonl.</summary>
    public static TaskCatalog BuiltIn { get; } = new TaskCatalog(ImmutableDictionary<string, TaskDefinition>.Empty.WithComparers(StringComparer.Ordinal))
        .With(BuiltInTasks.RepeatedTokens)
        .With(BuiltInTasks.Ioi)
        .With(BuiltInTasks.Parens)
        .With(BuiltInTasks.Jsonl);

    /// <summary>Every task, by name.</summary>
    public IEnumerable<TaskDefinition> Tasks => _tasks.Values.OrderBy(t => t.Name, StringComparer.Ordinal);

    /// <summary>A catalogue with one more (or a replaced) task.</summary>
    public TaskCatalog With(TaskDefinition task) => new(_tasks.SetItem(task.Name, task));

    /// <summary>Finds a task by name.</summary>
    public bool TryGet(string name, out TaskDefinition task) => _tasks.TryGetValue(name, out task!);
}

/// <summary>The definitions of the built-in tasks (the examples themselves are made by the Zoo).</summary>
public static class BuiltInTasks
{
    /// <summary>The argument that sets how many examples a dataset has.</summary>
    public const string CountParameter = "count";

    // Bounded by ResourceLimits.MaxExamples and MaxDatasetTokens (CD2036), which lie far below int.MaxValue.
    private static readonly TaskParameter Count = new(CountParameter, TaskParameterKind.PositiveInteger, Required: true, "number of examples") { Maximum = long.MaxValue };
    private static readonly TaskParameter Seed = new("seed", TaskParameterKind.Integer, Required: true, "random seed for making and sampling examples");
    private static readonly TaskField Tokens = new("int[] Tokens", "the example's token ids");
    private static readonly TaskField Pos = new("int Pos", "the position a variable is evaluated at");
    private static readonly TaskField Position = new("int Position(string name)", "the index of a named position in this example");

    // Every task's examples share one context (the engine's ExampleView): these are its members.
    private static readonly ImmutableArray<TaskField> Context =
    [
        Tokens,
        new("int Length", "the number of tokens"),
        Pos,
        Position,
        new("bool IsAt(string name)", "whether Pos is one of the positions a name marks"),
        new("int PrevOccurrence(int pos)", "the previous position holding the same token as pos, or -1"),
        new("int? Answer", "the token of the task's first answer"),
        new("int? WrongAnswer", "the token of the task's second answer"),
        new("string? Group", "the example's group (ioi: its template)"),
    ];

    /// <summary>Random tokens whose random-length prefix repeats to the end (induction).</summary>
    public static TaskDefinition RepeatedTokens { get; } = new(
        "repeated_tokens",
        "random tokens in which a random-length prefix repeats to the end",
        [Count, Seed,
         // The shortest sequence whose random prefix (at least 2 tokens) repeats: the Zoo's prefixes are 2..length/2.
         new("length", TaskParameterKind.PositiveInteger, Required: false, "tokens per example (default: the model's context)") { Minimum = 4 },
         new("counterfactual", TaskParameterKind.Choice, Required: false, "how corrupted examples are made") { Choices = ["resample"] }],
        NamedPositions: ["repeated", "first"],
        Answers: [],
        ExampleGroups: [],
        Fields: Context)
    {
        TokensPerExample = (arguments, context) => arguments.TryGetValue("length", out object? length) ? (long)length : context,
    };

    /// <summary>Tokens in every ioi prompt (the Zoo's IoiTemplates.PromptLength; its tests hold the two equal).</summary>
    public const int IoiPromptLength = 16;

    /// <summary>Tokens around a parens string: <c>&lt;start&gt;</c> and <c>&lt;end&gt;</c>.</summary>
    public const int ParensMarkers = 2;

    /// <summary>Indirect object identification (Wang et al. 2022): names and templates.</summary>
    public static TaskDefinition Ioi { get; } = new(
        "ioi",
        "indirect object identification prompts (BABA and ABBA templates with single-token names)",
        [Count, Seed,
         new("counterfactual", TaskParameterKind.Choice, Required: false, "the corrupted distribution: p_ABC (three unrelated names) or a resampled prompt") { Choices = ["abc", "resample"] },
         new("templates", TaskParameterKind.Choice, Required: false, "which template family") { Choices = ["all", "baba", "abba"] }],
        NamedPositions: ["IO", "S1", "S2", "END"],
        Answers: ["IO", "S"],
        ExampleGroups: ["template"],
        Fields: Context)
    {
        TokensPerExample = (_, _) => IoiPromptLength,
    };

    /// <summary>Balanced-parentheses classification (the paren balancer of Chan et al. 2022).</summary>
    public static TaskDefinition Parens { get; } = new(
        "parens",
        "strings of parentheses classified as balanced or not at the classifier position",
        [Count, Seed, new("length", TaskParameterKind.PositiveInteger, Required: false, "the most parentheses per example (default 40)") { Minimum = 2 }],
        // open/close/negative mark parentheses; equal_count, starts_open and never_negative mark END when the feature holds.
        NamedPositions: ["END", "open", "close", "negative", "equal_count", "starts_open", "never_negative"],
        // The true label's token and the other label's, so logit_diff and accuracy mean "classified right".
        Answers: ["correct", "wrong"],
        ExampleGroups: [],
        Fields: Context)
    {
        // The Zoo's default: Chan et al.'s 40, or fewer where the markers would not fit the context.
        TokensPerExample = (arguments, context) =>
            (arguments.TryGetValue("length", out object? length) ? (long)length : Math.Min(40, context - ParensMarkers)) + ParensMarkers,
    };

    /// <summary>The user's prompts, one JSON object per line; positions and answers are declared in the data statement.</summary>
    public static TaskDefinition Jsonl { get; } = new(
        "jsonl",
        "user prompts from a JSON-lines file",
        [new("path", TaskParameterKind.FilePath, Required: true, "the prompts file, relative to the .circuit file") { Positional = true },
         new("counterfactual", TaskParameterKind.FilePath, Required: false, "corrupted prompts, line by line with the prompts"),
         Count with { Required = false, Description = "use only the first count examples" },
         new("seed", TaskParameterKind.Integer, Required: false, "random seed for sampling"),
         new("positions", TaskParameterKind.NameList, Required: false, "the named positions each line defines"),
         new("answers", TaskParameterKind.NameList, Required: false, "the answer tokens each line defines")],
        NamedPositions: [],
        Answers: [],
        ExampleGroups: [],
        Fields: Context)
    {
        PositionsParameter = "positions",
        AnswersParameter = "answers",
    };
}
