using System.Collections.Immutable;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>The examples: the task, its arguments (typed), and the named positions and answers they define.</summary>
public sealed record BoundData(
    TaskDefinition Task,
    ImmutableDictionary<string, object> Arguments,
    ImmutableArray<string> NamedPositions,
    ImmutableArray<string> Answers,
    SourceSpan Span)
{
    /// <summary>The <c>count</c> argument, if given.</summary>
    public int? Count => Arguments.TryGetValue("count", out object? value) ? (int)(long)value : null;

    /// <summary>The <c>seed</c> argument, if given.</summary>
    public long? Seed => Arguments.TryGetValue("seed", out object? value) ? (long)value : null;

    /// <summary>The <c>counterfactual</c> argument (a choice name or a file path), if given.</summary>
    public string? Counterfactual => Arguments.TryGetValue("counterfactual", out object? value) ? (string)value : null;

    /// <summary>The counterfactual in effect: the argument, else the task's default choice (its first), else none.</summary>
    public string? EffectiveCounterfactual => Counterfactual
        ?? Task.Parameters.FirstOrDefault(p => p.Name == "counterfactual" && p.Kind == TaskParameterKind.Choice)?.Choices.FirstOrDefault();
}
