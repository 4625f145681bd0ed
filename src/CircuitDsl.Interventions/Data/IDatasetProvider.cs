namespace CircuitDsl.Interventions.Data;

/// <summary>
/// Makes the examples a <c>data TASK(arguments)</c> statement names. Compiled plans call it when they are built,
/// so that the engine never depends on where tasks come from (the zoo implements the built-in ones).
/// </summary>
public interface IDatasetProvider
{
    /// <param name="request">
    /// The task's name as written (<c>repeated_tokens</c>, <c>jsonl</c>) and its arguments as the language binds them,
    /// typed (whole numbers, choices, file paths, name lists), with the command line's count and seed applied.
    /// </param>
    /// <param name="baseDirectory">What relative file paths in <paramref name="request"/> are relative to.</param>
    /// <exception cref="NotSupportedException">The task is unknown or cannot make examples yet (the message says which).</exception>
    Dataset Create(TaskRequest request, string baseDirectory);
}
