using System.Collections.Immutable;

namespace CircuitDsl;

/// <summary>One argument a task takes.</summary>
/// <param name="Name">The argument's name as written (<c>count</c>, <c>templates</c>).</param>
/// <param name="Kind">What the argument's value is.</param>
/// <param name="Required">True when a data statement must give it (missing is CD2020).</param>
/// <param name="Description">What the argument means, for messages and listings.</param>
public sealed record TaskParameter(string Name, TaskParameterKind Kind, bool Required, string Description)
{
    /// <summary>True when the argument may be given without its name (only as the first argument).</summary>
    public bool Positional { get; init; }

    /// <summary>The allowed values of a <see cref="TaskParameterKind.Choice"/>; the first is the default.</summary>
    public ImmutableArray<string> Choices { get; init; } = [];

    /// <summary>The smallest whole number the argument takes; below it is CD2019 (a count or length of 0 makes no sense).</summary>
    public long Minimum { get; init; } = Kind == TaskParameterKind.PositiveInteger ? 1 : long.MinValue;

    /// <summary>The largest whole number the argument's type holds; above it is CD1007. The engine reads counts and lengths as int.</summary>
    public long Maximum { get; init; } = Kind == TaskParameterKind.PositiveInteger ? int.MaxValue : long.MaxValue;
}
