using System.Globalization;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Language.Diff;

/// <summary>
/// Bound hypotheses written back the way the language writes them, in a canonical form: components sorted,
/// groups expanded, percentages as fractions, expression layout flattened. Two items mean the same exactly
/// when their texts are equal, so the differ compares these texts and reports never show a change that is
/// only a reformatting.
/// </summary>
public static class HypothesisText
{
    /// <summary>Components in computation order, each once: <c>embed, L0.H0, L1.H0.k</c>.</summary>
    public static string Components(IEnumerable<Component> components) =>
        string.Join(", ", components.Distinct()
            .OrderBy(c => c.ResidualOrder).ThenBy(c => c.Kind).ThenBy(c => c.Layer).ThenBy(c => c.HeadIndex).ThenBy(c => c.Channel));

    /// <summary><c> at P, Q</c>, or nothing when the set covers every position.</summary>
    public static string At(PositionSet positions) => positions.IsAll ? string.Empty : " at " + positions;

    /// <summary>A causal variable by name, or its expression when it was written inline.</summary>
    public static string Variable(CausalVariable variable) => variable.Name ?? Expression(variable.Expression);

    /// <summary>
    /// An expression on one line: each line trimmed and joined by single spaces, with no space just inside
    /// brackets, so that breaking a long expression over lines is not a change.
    /// </summary>
    public static string Expression(string expression)
    {
        string joined = string.Join(' ', expression.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0));
        return joined.Replace("( ", "(").Replace("[ ", "[").Replace(" )", ")").Replace(" ]", "]");
    }

    /// <summary>A node without its inputs: <c>L1.H0, L1.H1 at repeated computes next_token</c>.</summary>
    public static string Node(InterpretationNode node) =>
        Components(node.Components) + At(node.Positions) + (node.Computes is null ? string.Empty : " computes " + Variable(node.Computes));

    /// <summary>The source of an input clause: a node's name, or the components written in place.</summary>
    public static string InputSource(InterpretationInput input) => input.Source.IsInline ? Components(input.Source.Components) : input.Source.Name;

    /// <summary>An input clause without its slot: <c>embed, pos_embed agreeing on token</c>.</summary>
    public static string Input(InterpretationInput input)
    {
        // An inline source's variable is the clause's 'agreeing on'; a named source's own variable shows on its node.
        var condition = input.AgreeingOn ?? (input.Source.IsInline ? input.Source.Computes : null);
        return InputSource(input) + At(input.Positions) + (condition is null ? string.Empty : " agreeing on " + Variable(condition));
    }

    /// <summary>The input slot of a node as people name it: <c>induction.q</c>, or the node's name for a whole input.</summary>
    public static string InputSlot(InterpretationNode receiver, Channel channel) => channel switch
    {
        Channel.Query => receiver.Name + ".q",
        Channel.Key => receiver.Name + ".k",
        Channel.Value => receiver.Name + ".v",
        _ => receiver.Name,
    };

    /// <summary>A path as hops of sorted components: <c>L0.H0 -> L1.H0.k, L1.H1.k -> logits</c>.</summary>
    public static string Path(CircuitPath path) => string.Join(" -> ", path.Hops.Select(h => Components(h.Components) + At(h.Positions)));

    /// <summary>What an expectation measures and how it is bounded, without its threshold: the key that pairs expectations.</summary>
    public static string ExpectationKind(BoundExpectation expectation) =>
        $"{Word(expectation.Subject)} {Word(Syntax.SyntaxFacts.Written(expectation.Subject, expectation.Statistic))} {(expectation.Operator is ComparisonOperator.GreaterOrEqual or ComparisonOperator.Greater ? "lower" : "upper")} bound";

    /// <summary>An expectation in canonical form: <c>expect scrub recovers &gt;= 0.85</c> (85% reads as 0.85).</summary>
    public static string Expectation(BoundExpectation expectation) =>
        $"expect {Word(expectation.Subject)}{(expectation.Path is null ? string.Empty : " " + Path(expectation.Path))} {Word(Syntax.SyntaxFacts.Written(expectation.Subject, expectation.Statistic))} {Operator(expectation.Operator)} {Number(expectation.Threshold)}";

    /// <summary>The metric as written in a <c>metric</c> setting: <c>logit_diff(IO, S) at END</c>.</summary>
    public static string Metric(BoundMetric metric) => metric.Kind switch
    {
        MetricKind.LogitDiff => $"logit_diff({string.Join(", ", metric.Answers)})",
        MetricKind.KL => "kl",
        MetricKind.Accuracy => "accuracy",
        _ => "loss",
    } + At(metric.Positions);

    /// <summary>Each task argument's value as written: numbers, names, quoted paths, <c>[A, B]</c> lists.</summary>
    public static IEnumerable<(string Name, string Value)> Arguments(BoundData data) =>
        data.Request.Arguments.Select(a => (a.Key, Value(a.Value)));

    /// <summary>Each method choice by its keyword, with its value (stated or defaulted).</summary>
    public static IEnumerable<(string Keyword, string Value, bool IsStated)> Method(MethodChoices method)
    {
        var ablation = method.Ablation.Value;
        yield return ("ablation", Word(ablation.Kind) + (ablation.PerGroup is null ? string.Empty : " per " + ablation.PerGroup), method.Ablation.IsStated);
        yield return ("direction", Word(method.Direction.Value), method.Direction.IsStated);
        var baseline = method.Baseline.Value;
        yield return ("baseline", baseline.Kind switch
        {
            BaselineKind.ShuffledLabels => "shuffled_labels",
            BaselineKind.ResampledInput => "resampled_input",
            _ => "resample " + Components(baseline.Components),
        }, method.Baseline.IsStated);
        yield return ("unmapped", Word(method.Unmapped.Value), method.Unmapped.IsStated);
        yield return ("granularity", Word(method.Granularity.Value), method.Granularity.IsStated);
    }

    /// <summary>A number the shortest way that reads back exactly (0.3, not 0.29999999999999999).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Operator(ComparisonOperator op) => op.Spelling();

    private static string Word<TEnum>(TEnum value)
        where TEnum : struct, Enum => value.ToString().ToLowerInvariant();

    private static string Value(TaskValue value) => value switch
    {
        TaskValue.FilePath file => $"\"{file.Path}\"",
        TaskValue.Choice choice => choice.Value,
        TaskValue.Names names => "[" + string.Join(", ", names.Items) + "]",
        TaskValue.WholeNumber number => number.Value.ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Not a task value."),
    };
}
