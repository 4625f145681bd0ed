using System.Collections.Immutable;

namespace CircuitDsl;

/// <summary>An immutable <see cref="ITaskCatalog"/>: tasks by name. Add a task with <see cref="With"/>.</summary>
public sealed class TaskCatalog : ITaskCatalog
{
    private readonly ImmutableSortedDictionary<string, TaskDefinition> _tasks;

    private TaskCatalog(ImmutableSortedDictionary<string, TaskDefinition> tasks) => _tasks = tasks;

    /// <summary>A catalogue without tasks.</summary>
    public static TaskCatalog Empty { get; } = new(ImmutableSortedDictionary<string, TaskDefinition>.Empty.WithComparers(StringComparer.Ordinal));

    /// <summary>A catalogue of <paramref name="tasks"/> (a later task of the same name replaces an earlier one).</summary>
    public static TaskCatalog Of(IEnumerable<TaskDefinition> tasks) => tasks.Aggregate(Empty, (catalog, task) => catalog.With(task));

    /// <inheritdoc />
    public IEnumerable<TaskDefinition> Tasks => _tasks.Values;

    /// <summary>A catalogue with one more (or a replaced) task.</summary>
    public TaskCatalog With(TaskDefinition task) => new(_tasks.SetItem(task.Name, task));

    /// <inheritdoc />
    public bool TryGet(string name, out TaskDefinition task) => _tasks.TryGetValue(name, out task!);
}
