using System.Globalization;

namespace CircuitDsl.Interventions.Plan;

/// <summary>
/// A threshold on a statistic: <c>expect scrub recovers &gt;= 0.9</c>. <see cref="Id"/> is the binder's identity of
/// the statement, which the result carries back so that reports join it by identity; <see cref="Text"/> is the
/// statement as written.
/// </summary>
public sealed record Expectation(ExpectationId Id, Statistic Statistic, ComparisonOperator Operator, double Threshold, string? Text = null)
{
    /// <summary>A hand-built expectation, identified by its statement (what the binder would give a first occurrence).</summary>
    public Expectation(Statistic statistic, ComparisonOperator @operator, double threshold, string? text = null)
        : this(ExpectationId.Assign([text ?? Statement(statistic, @operator, threshold)])[0], statistic, @operator, threshold, text)
    {
    }

    public bool Holds(double value) => Operator.Holds(value, Threshold);

    public override string ToString() => Text ?? Statement(Statistic, Operator, Threshold);

    static string Statement(Statistic statistic, ComparisonOperator @operator, double threshold) =>
        string.Create(CultureInfo.InvariantCulture, $"{statistic.Spelling()} {@operator.Spelling()} {threshold}");
}
