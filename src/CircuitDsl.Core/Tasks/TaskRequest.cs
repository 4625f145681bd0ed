using System.Collections.Immutable;

namespace CircuitDsl;

/// <summary>
/// What a <c>data TASK(arguments)</c> statement asks for: the task's name and its typed arguments. The binder makes
/// it (with defaulted choices filled in), a compiled plan rebuilds it with the command line's count and seed, and
/// whoever makes the examples reads it through the typed accessors, which fail with a message naming the task and
/// the argument when an argument is missing or of another kind.
/// </summary>
/// <param name="Task">The task's name as written (<c>repeated_tokens</c>, <c>jsonl</c>).</param>
public sealed record TaskRequest(string Task)
{
    /// <summary>The argument that sets how many examples a dataset has.</summary>
    public const string CountArgument = "count";

    /// <summary>The argument that seeds making and sampling examples.</summary>
    public const string SeedArgument = "seed";

    /// <summary>The argument that says how corrupted examples are made (a choice, or a jsonl file).</summary>
    public const string CounterfactualArgument = "counterfactual";

    /// <summary>The arguments by name, in ordinal order.</summary>
    public ImmutableSortedDictionary<string, TaskValue> Arguments { get; init; } =
        ImmutableSortedDictionary<string, TaskValue>.Empty.WithComparers(StringComparer.Ordinal);

    /// <summary>The request with <paramref name="name"/> set to <paramref name="value"/> (replacing any value it had).</summary>
    public TaskRequest With(string name, TaskValue value) => this with { Arguments = Arguments.SetItem(name, value) };

    /// <summary>The request with a whole-number argument.</summary>
    public TaskRequest WithInteger(string name, long value) => With(name, new TaskValue.WholeNumber(value));

    /// <summary>The request with a choice argument.</summary>
    public TaskRequest WithChoice(string name, string value) => With(name, new TaskValue.Choice(value));

    /// <summary>The request with a file-path argument.</summary>
    public TaskRequest WithFilePath(string name, string path) => With(name, new TaskValue.FilePath(path));

    /// <summary>The request with a name-list argument.</summary>
    public TaskRequest WithNames(string name, ImmutableArray<string> names) => With(name, new TaskValue.Names(names));

    /// <summary>True when the argument is given (or, for a choice, defaulted by the binder).</summary>
    public bool Has(string name) => Arguments.ContainsKey(name);

    /// <summary>The example count; throws when it is missing.</summary>
    public long Count => Integer(CountArgument);

    /// <summary>The seed; throws when it is missing.</summary>
    public long Seed => Integer(SeedArgument);

    /// <summary>A whole-number argument; throws when it is missing or not a whole number.</summary>
    public long Integer(string name) => Required<TaskValue.WholeNumber>(name, TaskValue.WholeNumber.Kind).Value;

    /// <summary>A whole-number argument, or null when it is not given; throws when it is not a whole number.</summary>
    public long? OptionalInteger(string name) => Optional<TaskValue.WholeNumber>(name, TaskValue.WholeNumber.Kind)?.Value;

    /// <summary>A choice argument; throws when it is missing or not a choice.</summary>
    public string Choice(string name) => Required<TaskValue.Choice>(name, TaskValue.Choice.Kind).Value;

    /// <summary>A choice argument, or null when it is not given; throws when it is not a choice.</summary>
    public string? OptionalChoice(string name) => Optional<TaskValue.Choice>(name, TaskValue.Choice.Kind)?.Value;

    /// <summary>A file-path argument; throws when it is missing or not a file path.</summary>
    public string FilePath(string name) => Required<TaskValue.FilePath>(name, TaskValue.FilePath.Kind).Path;

    /// <summary>A file-path argument, or null when it is not given; throws when it is not a file path.</summary>
    public string? OptionalFilePath(string name) => Optional<TaskValue.FilePath>(name, TaskValue.FilePath.Kind)?.Path;

    /// <summary>A name-list argument; throws when it is missing or not a list of names.</summary>
    public ImmutableArray<string> Names(string name) => Required<TaskValue.Names>(name, TaskValue.Names.Kind).Items;

    /// <summary>A name-list argument, or null when it is not given; throws when it is not a list of names.</summary>
    public ImmutableArray<string>? OptionalNames(string name) => Optional<TaskValue.Names>(name, TaskValue.Names.Kind)?.Items;

    /// <summary>Equal when the task and every argument are (the dictionary alone compares by reference).</summary>
    public bool Equals(TaskRequest? other) =>
        other is not null && Task == other.Task && Arguments.Count == other.Arguments.Count
        && Arguments.All(a => other.Arguments.TryGetValue(a.Key, out var value) && a.Value.Equals(value));

    /// <inheritdoc />
    public override int GetHashCode() => Arguments.Aggregate(Task.GetHashCode(StringComparison.Ordinal), (hash, a) => HashCode.Combine(hash, a.Key, a.Value));

    private T Required<T>(string name, string kind)
        where T : TaskValue =>
        Optional<T>(name, kind) ?? throw new ArgumentException($"task '{Task}' needs the argument '{name}'");

    private T? Optional<T>(string name, string kind)
        where T : TaskValue
    {
        if (!Arguments.TryGetValue(name, out var value))
        {
            return null;
        }

        return value as T ?? throw new ArgumentException($"argument '{name}' of task '{Task}' must be {kind}, not {value.Describe()}");
    }
}
