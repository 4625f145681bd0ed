namespace CircuitDsl;

/// <summary>An expectation's comparison (<c>expect scrub recovers &gt;= 0.9</c>): one type from the parser to the reports.</summary>
public enum ComparisonOperator
{
    /// <summary>&gt;=</summary>
    GreaterOrEqual,

    /// <summary>&lt;=</summary>
    LessOrEqual,

    /// <summary>&gt;</summary>
    Greater,

    /// <summary>&lt;</summary>
    Less,
}

/// <summary>How a comparison is spelled and decided, in one place.</summary>
public static class ComparisonOperators
{
    /// <summary>Every operator with its spelling in `.circuit` files and reports.</summary>
    public static IReadOnlyDictionary<string, ComparisonOperator> Spellings { get; } = new Dictionary<string, ComparisonOperator>(StringComparer.Ordinal)
    {
        [">="] = ComparisonOperator.GreaterOrEqual,
        ["<="] = ComparisonOperator.LessOrEqual,
        [">"] = ComparisonOperator.Greater,
        ["<"] = ComparisonOperator.Less,
    };

    /// <summary>"&gt;=", "&lt;=", "&gt;" or "&lt;".</summary>
    public static string Spelling(this ComparisonOperator op) => op switch
    {
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => "<",
    };

    /// <summary>Whether <paramref name="value"/> passes against <paramref name="threshold"/>; NaN never does.</summary>
    public static bool Holds(this ComparisonOperator op, double value, double threshold) => op switch
    {
        ComparisonOperator.GreaterOrEqual => value >= threshold,
        ComparisonOperator.LessOrEqual => value <= threshold,
        ComparisonOperator.Greater => value > threshold,
        _ => value < threshold,
    };

    /// <summary>True for &gt;= and &gt;: a larger value is better.</summary>
    public static bool WantsLarger(this ComparisonOperator op) => op is ComparisonOperator.GreaterOrEqual or ComparisonOperator.Greater;
}
