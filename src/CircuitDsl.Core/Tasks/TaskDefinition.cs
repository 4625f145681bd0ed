using System.Collections.Immutable;

namespace CircuitDsl;

/// <summary>
/// A task: how examples are made, which positions and answers each example names, how examples are grouped,
/// and what a causal-variable expression sees. User data names its positions and answers through arguments
/// (<see cref="PositionsParameter"/>, <see cref="AnswersParameter"/>). The binder checks data statements against
/// it; whoever makes the examples defines it (the Zoo, for the built-in tasks).
/// </summary>
/// <param name="Name">The task's name in <c>data NAME(...)</c>.</param>
/// <param name="Description">One line on what the examples are.</param>
/// <param name="Parameters">The arguments the task takes.</param>
/// <param name="NamedPositions">The positions every example names (<c>at END</c>).</param>
/// <param name="Answers">The answers every example names (<c>logit_diff(IO, S)</c>).</param>
/// <param name="ExampleGroups">What examples are grouped by (<c>per template</c>).</param>
/// <param name="Fields">What a causal-variable expression sees on <c>x</c>.</param>
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
    /// Tokens in one example, from the bound request and the model's context, so that a dataset too large to make
    /// is refused before any example is (CD2036); null where only the data can tell (a JSONL file, checked as it is read).
    /// </summary>
    public Func<TaskRequest, int, long>? TokensPerExample { get; init; }
}
