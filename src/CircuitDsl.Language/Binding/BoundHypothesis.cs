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
    ImmutableArray<Component> Unimportant,
    ImmutableArray<BoundExpectation> Expectations);

/// <summary>
/// A causal variable: a C# expression over one example <c>x</c>, as written, with its exact span for the compiler's
/// <c>#line</c> mapping. <see cref="Name"/> is null for an expression written inline (after <c>computes</c> or
/// <c>agreeing on</c>). <see cref="DependsOn"/> names the other variables the expression mentions.
/// </summary>
public sealed record CausalVariable(string? Name, string Expression, SourceSpan Span, ImmutableArray<string> DependsOn);

/// <summary>A named set of components (a <c>group</c>).</summary>
public sealed record ComponentGroup(string Name, ImmutableArray<Component> Components, SourceSpan Span);

/// <summary>The behaviour measured: a metric, its answers (for logit_diff) and where it is read.</summary>
public sealed record BoundMetric(MetricKind Kind, ImmutableArray<string> Answers, PositionSet Positions, SourceSpan Span);

/// <summary>A method choice and whether the file stated it (false: the default was used).</summary>
public readonly record struct Stated<T>(T Value, bool IsStated, SourceSpan Span);

/// <summary>What ablated activations are replaced by, optionally averaged per example group.</summary>
public sealed record AblationChoice(AblationKind Kind, string? PerGroup);

/// <summary>What 0% recovered means; for <see cref="BaselineKind.ResampleInputsOf"/>, whose inputs are resampled.</summary>
public sealed record BaselineChoice(BaselineKind Kind, ImmutableArray<Component> Components);

/// <summary>Every method choice of a hypothesis. Reports echo all of them, stated or not.</summary>
public sealed record MethodChoices(
    Stated<AblationChoice> Ablation,
    Stated<KnockoutDirection> Direction,
    Stated<BaselineChoice> Baseline,
    Stated<UnmappedInputs> Unmapped,
    Stated<Granularity> Granularity);

/// <summary>
/// A threshold on a statistic: <c>expect scrub recovers >= 0.9</c>. <see cref="Statistic"/> is the statistic the
/// subject's check reports (a knockout's <c>recovers</c> is <see cref="CircuitDsl.Statistic.Fraction"/>);
/// <see cref="Threshold"/> is a fraction (a written percentage is divided by 100); <see cref="Text"/> is the statement
/// as written, for reports; <see cref="Id"/> names it in the plan, the results and every report.
/// </summary>
public sealed record BoundExpectation(
    ExpectationId Id,
    ExpectationSubject Subject,
    CircuitPath? Path,
    Statistic Statistic,
    ComparisonOperator Operator,
    double Threshold,
    string Text,
    SourceSpan Span)
{
    /// <summary>For <c>expect circuit</c>: the hypothesis's own edges (HypothesisBinder.Circuit.cs says which), else empty.</summary>
    public ImmutableArray<CircuitEdge> Edges { get; init; } = [];
}
