namespace CircuitDsl;

/// <summary>
/// The tasks a data statement may name. The binder finds tasks through it, as it finds models through its model
/// resolver, so that the language never depends on where tasks are made.
/// </summary>
public interface ITaskCatalog
{
    /// <summary>Every task, ordered by name.</summary>
    IEnumerable<TaskDefinition> Tasks { get; }

    /// <summary>Finds a task by its name as written.</summary>
    bool TryGet(string name, out TaskDefinition task);
}
