using CircuitDsl.Compiler.Sandbox;
using CircuitDsl.Compiler.Tests.Lowering;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Compiler.Tests.Sandbox;

/// <summary>
/// Expressions deep or long enough to overflow a stack (which aborts the process: it cannot be caught) end in CD3008
/// or CD3009 at the expression, through the front end and the compiler as `circuit check` runs them; expressions
/// at each limit still compile and run.
/// </summary>
public class ExpressionLimitTests
{
    const int Huge = 100_000;
    const int Depth = ResourceLimits.MaxExpressionDepth;
    const int Column = 9; // where the expression starts, after "let a = " on line 5

    static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    static string File(string expression) => Circuits.Header + "let a = " + expression + "\n" + Circuits.ModelOnly;

    /// <summary>What `circuit check` reports for a file with this variable: the front end's errors, else the compiler's.</summary>
    static IReadOnlyList<Diagnostic> Check(string expression)
    {
        var analysis = Circuits.Analyze(File(expression));
        return analysis.HasErrors ? [.. analysis.Diagnostics.Where(d => d.IsError)] : Circuits.InMemoryCompiler().Compile(analysis.File!).Diagnostics;
    }

    /// <summary>(what, expression, column of the node one level past the limit): deep trees without deep brackets, which only the compiler sees.</summary>
    public static readonly object[][] DeepWithoutBrackets =
    [
        ["nested unary minus", Repeat("- ", 900) + "1", Column + 2 * Depth],
        ["nested negation", Repeat("!", 900) + "true", Column + Depth],
        ["flat binary chain (left-deep)", "1" + Repeat(" + 1", 300), Column],
        ["flat conditionals (right-deep)", Repeat("true ? 1 : ", 100) + "0", Column + "true ? 1 : ".Length * (Depth - 1)],
        ["flat pattern alternatives", "x.Pos is 0" + Repeat(" or 0", 100), Column + 9],
        ["parentheses at the parser's limit", Repeat("(", Depth) + "1" + Repeat(")", Depth), Column + Depth],
    ];

    [TestCaseSource(nameof(DeepWithoutBrackets))]
    public void ATreeTooDeepForTheCompilerIsCD3008(string what, string expression, int column)
    {
        var outcome = Circuits.InMemoryCompiler().Compile(Circuits.Bind(File(expression)));
        var error = outcome.Diagnostics.Single();
        Assert.That((error.Code, error.Span.Line, error.Span.Column), Is.EqualTo(("CD3008", 5, column)), what);
        Assert.That(error.Message, Does.Contain($"more than {Depth} levels"));
        Assert.That(outcome.Hypotheses, Is.Empty);
    }

    [Test]
    public void AChainOfMoreMemberAccessesThanTheLimitIsCD3008OverTheWholeChain()
    {
        string chain = "x.Tokens" + Repeat(".Select(t => t)", ResourceLimits.MaxCallChainLength - 1) + ".Sum()";
        var outcome = Circuits.InMemoryCompiler().Compile(Circuits.Bind(File(chain)));
        var error = outcome.Diagnostics.Single();
        Assert.That((error.Code, error.Span.Line, error.Span.Column, error.Span.Length), Is.EqualTo(("CD3008", 5, Column, chain.Length)));
        Assert.That(error.Message, Does.Contain($"more than {ResourceLimits.MaxCallChainLength} member accesses"));
    }

    /// <summary>What the front end stops (brackets, length), the front end and compiler together report once, and nothing crashes.</summary>
    public static readonly object[][] FarPastTheLimits =
    [
        ["nested parentheses", Repeat("(", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["nested unary minus", Repeat("-(", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["flat binary chain", "1" + Repeat(" + 1", Huge), "CD3009"],
        ["nested conditionals", Repeat("x.Pos > 0 ? (", Huge) + "1" + Repeat(") : 0", Huge), "CD3008"],
        ["nested invocations", Repeat("Math.Abs(", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["nested element access", Repeat("x.Tokens[", Huge) + "0" + Repeat("]", Huge), "CD3008"],
        ["long LINQ chain", "x.Tokens" + Repeat(".Select(t => t)", Huge) + ".Sum()", "CD3009"],
        ["nested tuples", Repeat("(1, ", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["nested lambdas in a chain", Repeat("x.Tokens.Select(t => ", Huge) + "t" + Repeat(").Sum()", Huge), "CD3008"],
        ["nested unary minus without brackets", Repeat("-", Huge) + "1", "CD3009"],
    ];

    [TestCaseSource(nameof(FarPastTheLimits))]
    public void AHugeExpressionEndsInOneDiagnosticThroughTheWholePath(string what, string expression, string code)
    {
        var error = Check(expression).Single();
        Assert.That((error.Code, error.Span.Line), Is.EqualTo((code, 5)), what);
        Assert.That(error.Span.Column, Is.InRange(Column, Column + expression.Length));
    }

    /// <summary>The sandbox is public API: it must hold without the front end, on the same inputs.</summary>
    [TestCaseSource(nameof(FarPastTheLimits))]
    public void TheSandboxAloneRefusesAHugeExpressionByItsLength(string what, string expression, string code)
    {
        var result = SandboxEvaluator.Check(expression);
        Assert.That(result.Diagnostics.Select(d => (d.Code, d.Start, d.Length)), Is.EqualTo(new[] { (DiagnosticCatalog.ExpressionTooLong.Code, 0, expression.Length) }), what);
    }

    /// <summary>
    /// 999 nested parentheses fit the length limit and reach Roslyn's parser, whose tuple lookahead overflowed a 512 KB
    /// stack at 712 (measured): the sandbox parses on its own thread, so even a 256 KB caller survives.
    /// </summary>
    [Test]
    public void TheDeepestExpressionWithinTheLengthLimitIsRefusedOnASmallCallerStack()
    {
        int deepest = (ResourceLimits.MaxExpressionLength - 1) / 2;
        string expression = Repeat("(", deepest) + "1" + Repeat(")", deepest);
        SandboxResult? result = null;
        var caller = new Thread(() => result = SandboxEvaluator.Check(expression), 256 << 10);
        caller.Start();
        caller.Join();
        Assert.That(result!.Diagnostics.Select(d => d.Code).Distinct(), Is.EqualTo(new[] { DiagnosticCatalog.ExpressionTooDeep.Code }));
    }

    static string Parenthesized(int count) => Repeat("(", count) + "x.Pos" + Repeat(")", count); // x.Pos is two levels: x and the access
    static string Sum(int terms) => "x.Pos" + Repeat(" + 1", terms - 1);
    static string Negated(int times) => Repeat("- ", times) + "x.Pos";
    static string Chain(int links) => "x.Tokens" + Repeat(".Select(t => t)", links - 2) + ".Sum()";
    static string Literal(int length) => "\"" + new string('a', length - "\"\".Length".Length) + "\".Length";

    /// <summary>(at a limit, one level, link or character past it, the first's value on <see cref="TestExample"/>, the second's code).</summary>
    public static readonly object[][] AtTheLimits =
    [
        [Parenthesized(Depth - 2), Parenthesized(Depth - 1), 3, "CD3008"],
        [Sum(Depth - 1), Sum(Depth), 3 + Depth - 2, "CD3008"],
        [Negated(Depth - 2), Negated(Depth - 1), 3, "CD3008"],
        [Chain(ResourceLimits.MaxCallChainLength), Chain(ResourceLimits.MaxCallChainLength + 1), 31, "CD3008"],
        [Literal(ResourceLimits.MaxExpressionLength), Literal(ResourceLimits.MaxExpressionLength + 1), ResourceLimits.MaxExpressionLength - 9, "CD3009"],
    ];

    [TestCaseSource(nameof(AtTheLimits))]
    public void AnExpressionAtTheLimitsCompilesAndRuns(string atLimit, string pastIt, int value, string code)
    {
        var outcome = Circuits.InMemoryCompiler().Compile(Circuits.Bind(File(atLimit)));
        Assert.That(outcome.Success, Is.True, string.Join("\n", outcome.Diagnostics));
        var (result, computed) = SandboxEvaluator.CheckAndRun(atLimit, new TestExample());
        Assert.That(result.Allowed, Is.True, string.Join("\n", result.Diagnostics));
        Assert.That(computed, Is.EqualTo(value));

        Assert.That(Check(pastIt).Select(d => d.Code), Is.EqualTo(new[] { code }));
    }
}
