namespace CircuitDsl.Language.Diagnostics;

/// <summary>
/// The messages of CD3008 and CD3009, one wording for the parser (which sees brackets) and the compiler's sandbox
/// (which sees the whole C# tree), so a file reads the same whichever stage stops it.
/// </summary>
public static class ExpressionLimitMessages
{
    const string Remedy = "split it into variables that use each other by name";

    /// <summary>CD3009 for an expression of <paramref name="length"/> characters.</summary>
    public static string TooLong(int length) =>
        $"this expression is {length} characters long, more than the {ResourceLimits.MaxExpressionLength} a causal variable may have; {Remedy}";

    /// <summary>CD3008 for nesting (brackets in the parser; every expression level in the compiler).</summary>
    public static string TooDeep { get; } =
        $"this expression nests more than {ResourceLimits.MaxExpressionDepth} levels deep (each bracket, operator, call and lambda is a level); {Remedy}";

    /// <summary>CD3008 for a member-access chain, a left-deep tree that brackets do not show.</summary>
    public static string ChainTooLong { get; } =
        $"this chain has more than {ResourceLimits.MaxCallChainLength} member accesses (x.Tokens.Select(...).Where(...)...); {Remedy}";
}
