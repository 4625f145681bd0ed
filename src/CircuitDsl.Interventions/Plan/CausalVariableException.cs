namespace CircuitDsl.Interventions.Plan;

/// <summary>
/// A causal variable that failed while evaluated on one example: the user's expression threw (division by zero, a
/// null group, an overflow in <c>checked</c>, an allocation too large) or ran past its time budget. It is the
/// file's error, not the engine's: <see cref="Exception.InnerException"/> (when the expression threw) carries the
/// stack frames that the compiled variable's PDB maps back to its <c>.circuit</c> line.
/// </summary>
public sealed class CausalVariableException(string variable, string example, int position, string problem, Exception? cause = null)
    : Exception($"causal variable '{variable}' failed on {example} at position {position}: {problem}", cause)
{
    public string Variable { get; } = variable;
    public string Example { get; } = example;
    public int Position { get; } = position;
}
