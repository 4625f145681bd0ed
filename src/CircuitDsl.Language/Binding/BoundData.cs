using System.Collections.Immutable;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>The examples: the task, the typed request for them, and the named positions and answers they define.</summary>
public sealed record BoundData(
    TaskDefinition Task,
    TaskRequest Request,
    ImmutableArray<string> NamedPositions,
    ImmutableArray<string> Answers,
    SourceSpan Span)
{
    /// <summary>The arguments the statement writes (the request also holds defaulted choices): a stated choice is a justified one.</summary>
    public ImmutableHashSet<string> StatedArguments { get; init; } = [];

    /// <summary>The <c>count</c> argument, if given.</summary>
    public int? Count => Request.OptionalInteger(TaskRequest.CountArgument) is { } count ? (int)count : null;

    /// <summary>The <c>seed</c> argument, if given.</summary>
    public long? Seed => Request.OptionalInteger(TaskRequest.SeedArgument);

    /// <summary>The <c>counterfactual</c> argument (a choice name or a file path), if given.</summary>
    public string? Counterfactual => Request.Arguments.GetValueOrDefault(TaskRequest.CounterfactualArgument) switch
    {
        TaskValue.Choice choice => choice.Value,
        TaskValue.FilePath file => file.Path,
        _ => null,
    };

    /// <summary>The counterfactual in effect: the argument, else the task's default choice (its first), else none.</summary>
    public string? EffectiveCounterfactual => Counterfactual
        ?? Task.Parameters.FirstOrDefault(p => p.Name == TaskRequest.CounterfactualArgument && p.Kind == TaskParameterKind.Choice)?.Choices.FirstOrDefault();
}
