using CircuitDsl.Compiler.Sandbox;

namespace CircuitDsl.Compiler.Tests.Sandbox;

/// <summary>
/// Allocations an expression sizes itself (`new string('a', 1 << 30)`) are refused before anything runs, with a
/// CD3003 that says why; allocations the input bounds stay allowed.
/// </summary>
public class SandboxAllocationTests
{
    [TestCase("new int[1 << 30].Length", "an array sized by an expression")]
    [TestCase("new int[x.Tokens.Length * x.Tokens.Length][].Length", "an array sized by an expression")]
    [TestCase("new (int, int)[x.Pos, 2].Length", "an array sized by an expression")]
    [TestCase("new string('a', 1 << 30).Length", "allocates n characters")]
    [TestCase("\"a\".PadLeft(1 << 30).Length", "as many characters as its argument says")]
    [TestCase("\"a\".PadRight(1 << 30).Length", "as many characters as its argument says")]
    [TestCase("string.Join(\",\", x.Tokens).Length", "use string.Concat")]
    [TestCase("System.Linq.Enumerable.Repeat(1, 1 << 30).Count()", "Repeat's length is its argument")]
    [TestCase("System.Linq.Enumerable.Range(0, 1 << 30).Count()", "Range's length is its argument")]
    [TestCase("x.Tokens.Aggregate(\"a\", (s, t) => s + s).Length", "can double the string")]
    [TestCase("x.Tokens.Select(t => \"a\").Aggregate((a, b) => a + a).Length", "can double the string")]
    [TestCase("x.Tokens.Aggregate((\"a\", 0), (s, t) => (s.Item1 + s.Item1, t)).Item2", "can double the string")]
    [TestCase("x.Tokens.Aggregate(new[] { \"a\" }, (s, t) => new[] { s[0] + s[0] }).Length", "can double the string")]
    public void AnAllocationSizedByTheExpressionIsRefused(string expression, string reason)
    {
        var (result, value) = SandboxEvaluator.CheckAndRun(expression, new TestExample());
        Assert.That(value, Is.Null, "it ran");
        Assert.That(result.Diagnostics.Select(d => d.Code), Has.Member(CompilerDiagnostics.ForbiddenSymbol.Code));
        Assert.That(result.Diagnostics.Where(d => d.Code == CompilerDiagnostics.ForbiddenSymbol.Code).Select(d => d.Message), Has.Some.Contain(reason));
    }

    [TestCase("new[] { 1, 5, 9 }.Any(t => t == x.Tokens[x.Pos + 1])", true)]
    [TestCase("new int[] { 1, 2 }.Length", 2)]
    [TestCase("x.Tokens.Aggregate(0, (s, t) => s * 2 + t)", 678)]
    [TestCase("x.Tokens.Aggregate((a, b) => Math.Max(a, b))", 9)]
    [TestCase("string.Concat(x.Tokens.Take(3))", "314")]
    [TestCase("x.Text + x.Text", "the cat satthe cat sat")]
    [TestCase("x.Tokens.ToArray().Length", 8)]
    public void AnAllocationTheInputBoundsIsAllowed(string expression, object expected)
    {
        var (result, value) = SandboxEvaluator.CheckAndRun(expression, new TestExample());
        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        Assert.That(value, Is.EqualTo(expected));
    }
}
