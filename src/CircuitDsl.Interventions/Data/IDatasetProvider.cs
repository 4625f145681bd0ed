namespace CircuitDsl.Interventions.Data;

/// <summary>
/// Makes the examples a <c>data TASK(arguments)</c> statement names. Compiled plans call it when they are built,
/// so that the engine never depends on where tasks come from (the zoo implements the built-in ones).
/// </summary>
public interface IDatasetProvider
{
    /// <param name="task">The task's name as written (<c>repeated_tokens</c>, <c>jsonl</c>).</param>
    /// <param name="arguments">
    /// The statement's arguments as the language binds them: whole numbers as <see cref="long"/>, names and file
    /// paths as <see cref="string"/>, name lists as <c>string[]</c>.
    /// </param>
    /// <param name="baseDirectory">What relative file paths in <paramref name="arguments"/> are relative to.</param>
    /// <exception cref="NotSupportedException">The task is unknown or cannot make examples yet (the message says which).</exception>
    Dataset Create(string task, IReadOnlyDictionary<string, object> arguments, string baseDirectory);
}
