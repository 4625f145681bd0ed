using System.Collections.Immutable;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>The parameters and fields the built-in tasks share.</summary>
public static class TaskParts
{
    /// <summary>How many examples; bounded by ResourceLimits.MaxExamples and MaxDatasetTokens (CD2036), far below int.MaxValue.</summary>
    public static readonly TaskParameter Count =
        new(TaskRequest.CountArgument, TaskParameterKind.PositiveInteger, Required: true, "number of examples") { Maximum = long.MaxValue };

    /// <summary>The seed of making and sampling examples.</summary>
    public static readonly TaskParameter Seed =
        new(TaskRequest.SeedArgument, TaskParameterKind.Integer, Required: true, "random seed for making and sampling examples");

    /// <summary>
    /// What a causal-variable expression sees on <c>x</c>: every task's examples share one context, the engine's
    /// ExampleView, and these are its members.
    /// </summary>
    public static readonly ImmutableArray<TaskField> ExampleContext =
    [
        new("int[] Tokens", "the example's token ids"),
        new("int Length", "the number of tokens"),
        new("int Pos", "the position a variable is evaluated at"),
        new("int Position(string name)", "the index of a named position in this example"),
        new("bool IsAt(string name)", "whether Pos is one of the positions a name marks"),
        new("int PrevOccurrence(int pos)", "the previous position holding the same token as pos, or -1"),
        new("int? Answer", "the token of the task's first answer"),
        new("int? WrongAnswer", "the token of the task's second answer"),
        new("string? Group", "the example's group (ioi: its template)"),
    ];
}
