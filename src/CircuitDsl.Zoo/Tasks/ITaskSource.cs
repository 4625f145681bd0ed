using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// One task the Zoo serves: its definition (what the binder checks a data statement against) beside the code that
/// makes its examples, so that the two are written, and tested, together.
/// </summary>
public interface ITaskSource
{
    /// <summary>The task as the language sees it: arguments, named positions, answers, groups, fields.</summary>
    TaskDefinition Definition { get; }

    /// <summary>The examples <paramref name="request"/> asks for, on the model that <paramref name="environment"/> describes.</summary>
    Dataset Create(TaskRequest request, TaskEnvironment environment);
}
