using System.Collections.Immutable;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>A bound .circuit file: its hypotheses, every name resolved and every check passed.</summary>
/// <param name="FilePath">The file that was bound.</param>
/// <param name="Hypotheses">The hypotheses in file order.</param>
/// <param name="ImportedFiles">Every file reached through imports (display paths), in load order.</param>
public sealed record BoundCircuitFile(string FilePath, ImmutableArray<BoundHypothesis> Hypotheses, ImmutableArray<string> ImportedFiles);

/// <summary>
/// One claim, ready for the compiler and engine: the model it is about, the data and metric, the method
/// choices (each marked stated or defaulted, so reports can echo them), the causal variables, the
/// interpretation graph (if the hypothesis has nodes), the components claimed unimportant, and the expectations.
/// </summary>
public sealed record BoundHypothesis(
    string Name,
    string? Description,
    SourceSpan Span,
    string ModelReference,
    ModelShape Model,
    BoundData Data,
    BoundMetric Metric,
    MethodChoices Method,
    ImmutableArray<CausalVariable> Variables,
    ImmutableArray<ComponentGroup> Groups,
    InterpretationGraph? Graph,
    ImmutableArray<ModelComponent> Unimportant,
    ImmutableArray<BoundExpectation> Expectations);

/// <summary>
/// A causal variable: a C# expression over one example <c>x</c>, as written, with its exact span for the compiler's
/// <c>#line</c> mapping. <see cref="Name"/> is null for an expression written inline (after <c>computes</c> or
/// <c>agreeing on</c>). <see cref="DependsOn"/> names the other variables the expression mentions.
/// </summary>
public sealed record CausalVariable(string? Name, string Expression, SourceSpan Span, ImmutableArray<string> DependsOn);

/// <summary>A named set of components (a <c>group</c>).</summary>
public sealed record ComponentGroup(string Name, ImmutableArray<ModelComponent> Components, SourceSpan Span);

/// <summary>How a position is chosen.</summary>
public enum PositionKind
{
    /// <summary>Every position.</summary>
    All,

    /// <summary>A fixed index (negative counts from the end).</summary>
    Index,

    /// <summary>A position the task names per example, plus an offset.</summary>
    Named,
}

/// <summary>One position selector.</summary>
public sealed record BoundPosition(PositionKind Kind, int Index, string? Name, int Offset)
{
    /// <summary>Every position.</summary>
    public static BoundPosition All { get; } = new(PositionKind.All, 0, null, 0);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        PositionKind.All => "all",
        PositionKind.Index => Index.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Name + (Offset == 0 ? string.Empty : Offset > 0 ? $"+{Offset}" : $"{Offset}"),
    };
}

/// <summary>A set of positions; <see cref="Unspecified"/> means every position.</summary>
public sealed record PositionSet(ImmutableArray<BoundPosition> Positions)
{
    /// <summary>No <c>at</c> clause: every position.</summary>
    public static PositionSet Unspecified { get; } = new([BoundPosition.All]);

    /// <summary>True when the set covers every position.</summary>
    public bool IsAll => Positions.Any(p => p.Kind == PositionKind.All);

    /// <inheritdoc />
    public override string ToString() => string.Join(", ", Positions);
}

/// <summary>The metrics the language knows.</summary>
public enum MetricKind
{
    /// <summary>Next-token cross-entropy loss.</summary>
    Loss,

    /// <summary>logit(first answer) - logit(second answer).</summary>
    LogitDiff,

    /// <summary>KL divergence from the unmodified model's output.</summary>
    KL,

    /// <summary>Share of examples where the top answer is right.</summary>
    Accuracy,
}

/// <summary>The behaviour measured: a metric, its answers (for logit_diff) and where it is read.</summary>
public sealed record BoundMetric(MetricKind Kind, ImmutableArray<string> Answers, PositionSet Positions, SourceSpan Span);

/// <summary>A method choice and whether the file stated it (false: the default was used).</summary>
public readonly record struct Stated<T>(T Value, bool IsStated, SourceSpan Span);

/// <summary>What ablated activations are replaced by, optionally averaged per example group.</summary>
public sealed record AblationChoice(AblationKind Kind, string? PerGroup);

/// <summary>What 0% recovered means; for <see cref="BaselineKind.ResampleInputsOf"/>, whose inputs are resampled.</summary>
public sealed record BaselineChoice(BaselineKind Kind, ImmutableArray<ModelComponent> Components);

/// <summary>Every method choice of a hypothesis. Reports echo all of them, stated or not.</summary>
public sealed record MethodChoices(
    Stated<AblationChoice> Ablation,
    Stated<PatchDirection> Direction,
    Stated<BaselineChoice> Baseline,
    Stated<UnmappedInputs> Unmapped,
    Stated<Granularity> Granularity);

/// <summary>One step of a path: components (a group acts together) at positions.</summary>
public sealed record BoundHop(ImmutableArray<ModelComponent> Components, PositionSet Positions);

/// <summary>A chain of components through the residual stream, first sender to final receiver.</summary>
public sealed record BoundPath(ImmutableArray<BoundHop> Hops)
{
    /// <inheritdoc />
    public override string ToString() =>
        string.Join(" -> ", Hops.Select(h => string.Join(", ", h.Components) + (h.Positions.IsAll ? string.Empty : " at " + h.Positions)));
}

/// <summary>
/// A threshold on a statistic: <c>expect scrub recovers >= 0.9</c>. <see cref="Threshold"/> is a fraction
/// (a written percentage is divided by 100); <see cref="Text"/> is the statement as written, for reports;
/// <see cref="Id"/> names it in the plan, the results and every report.
/// </summary>
public sealed record BoundExpectation(
    ExpectationId Id,
    ExpectationSubject Subject,
    BoundPath? Path,
    Statistic Statistic,
    ComparisonOperator Operator,
    double Threshold,
    string Text,
    SourceSpan Span);
