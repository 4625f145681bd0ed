namespace CircuitDsl.Zoo.Tasks;

/// <summary>The built-in tasks: each one's definition beside the code that makes its examples.</summary>
public static class ZooTasks
{
    /// <summary>Every built-in task, in the order messages list them.</summary>
    public static IReadOnlyList<ITaskSource> Sources { get; } =
        [RepeatedTokensSource.Instance, IoiSource.Instance, ParensSource.Instance, JsonlSource.Instance];

    /// <summary>The built-in tasks' definitions, which the binder checks data statements against.</summary>
    public static TaskCatalog Catalog { get; } = TaskCatalog.Of(Sources.Select(s => s.Definition));
}
