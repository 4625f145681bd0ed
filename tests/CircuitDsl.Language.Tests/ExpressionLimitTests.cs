using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// Hostile causal variables (an untrusted pull request runs in CI) far past the expression limits: the front end
/// stops each with CD3008 or CD3009 at the expression, and no stage crashes (a stack overflow would abort the run).
/// </summary>
public class ExpressionLimitTests
{
    private const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\nbaseline resampled_input\n";
    private const string Let = "let a = ";
    private const int Huge = 100_000;

    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    /// <summary>(what, expression, code): every member of the class of too-large expressions.</summary>
    public static readonly object[][] Cases =
    [
        ["nested parentheses", Repeat("(", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["nested unary minus", Repeat("-(", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["flat binary chain", "1" + Repeat(" + 1", Huge), "CD3009"],
        ["nested conditionals", Repeat("x.Pos > 0 ? (", Huge) + "1" + Repeat(") : 0", Huge), "CD3008"],
        ["flat conditionals", Repeat("x.Pos > 0 ? 1 : ", Huge) + "0", "CD3009"],
        ["nested invocations", Repeat("Math.Abs(", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["nested element access", Repeat("x.Tokens[", Huge) + "0" + Repeat("]", Huge), "CD3008"],
        ["long LINQ chain", "x.Tokens" + Repeat(".Select(t => t)", Huge) + ".Sum()", "CD3009"],
        ["long string literal", "\"" + new string('a', Huge) + "\".Length", "CD3009"],
        ["nested tuples", Repeat("(1, ", Huge) + "1" + Repeat(")", Huge), "CD3008"],
        ["nested lambdas in a chain", Repeat("x.Tokens.Select(t => ", Huge) + "t" + Repeat(").Sum()", Huge), "CD3008"],
        ["nested interpolated strings", Repeat("$\"{", Huge) + "1" + Repeat("}\"", Huge), "CD3008"],
        ["an interpolation hole one past the limit", Repeat("(", ResourceLimits.MaxExpressionDepth - 1) + Repeat("$\"{", Huge) + "1" + Repeat("}\"", Huge) + Repeat(")", ResourceLimits.MaxExpressionDepth - 1), "CD3008"],
        ["nested brackets over lines", Repeat("(\n    ", Huge) + "1" + Repeat(")", Huge), "CD3008"],
    ];

    [TestCaseSource(nameof(Cases))]
    public void IsStoppedAtTheExpression(string what, string expression, string code)
    {
        var result = TestSupport.Analyze(Header + Let + expression + "\n");
        var error = result.Diagnostics.Single(d => d.IsError);
        Assert.That(error.Code, Is.EqualTo(code), what);
        var (line, column) = ExpectedLocation(expression, code);
        Assert.That((error.Span.Line, error.Span.Column), Is.EqualTo((line, column)), what);
        Assert.That(result.RenderText(), Does.StartWith($"main.circuit:{line}:{column}: error {code}"));
    }

    [TestCaseSource(nameof(Cases))]
    public void IsNotFormatted(string what, string expression, string code)
    {
        var formatted = FormatCommand.TryFormat(SourceText.From(Header + Let + expression + "\n", "main.circuit"), out var diagnostics);
        Assert.That(formatted, Is.Null, what);
        Assert.That(diagnostics.Where(d => d.IsError).Select(d => d.Code), Is.EqualTo(new[] { code }));
    }

    /// <summary>
    /// CD3009 starts with the expression (line 5, after "let a = "); CD3008 at the opening bracket (or <c>$"</c>)
    /// one past <see cref="ResourceLimits.MaxExpressionDepth"/>. None of the cases closes a bracket before that.
    /// </summary>
    private static (int Line, int Column) ExpectedLocation(string expression, string code)
    {
        int index = 0;
        if (code == "CD3008")
        {
            int opened = 0;
            while (expression[index] is not ('(' or '[' or '{' or '$') || ++opened <= ResourceLimits.MaxExpressionDepth)
            {
                index++;
            }
        }

        string before = expression[..index];
        int lines = before.Count(c => c == '\n');
        return lines == 0 ? (5, Let.Length + 1 + index) : (5 + lines, index - before.LastIndexOf('\n'));
    }

    [Test]
    public void ATooLongExpressionIsReportedOverItsWholeSpan()
    {
        string expression = "1" + Repeat(" + 1", ResourceLimits.MaxExpressionLength);
        var error = TestSupport.Analyze(Header + Let + expression + "\n").Diagnostics.Single(d => d.IsError);
        Assert.That(error.Span.Length, Is.EqualTo(expression.Length));
        Assert.That(error.Message, Does.Contain($"{expression.Length} characters").And.Contain($"{ResourceLimits.MaxExpressionLength}"));
    }

    /// <summary>The front end bounds brackets and length only; an expression at both limits binds and formats.</summary>
    [Test]
    public void AnExpressionAtTheLimitsPasses()
    {
        string deepest = Repeat("(", ResourceLimits.MaxExpressionDepth) + "1" + Repeat(")", ResourceLimits.MaxExpressionDepth);
        string longest = "1" + Repeat("+1", (ResourceLimits.MaxExpressionLength - 1) / 2);
        Assert.That(longest, Has.Length.EqualTo(ResourceLimits.MaxExpressionLength - 1 + ResourceLimits.MaxExpressionLength % 2));
        string text = Header + Let + deepest + "\nlet b = " + longest + "\nhypothesis h {\n  expect model metric <= 5\n}\n";
        var result = TestSupport.Analyze(text);
        Assert.That(result.HasErrors, Is.False, result.RenderText());
        Assert.That(result.File!.Hypotheses.Single().Variables.Select(v => v.Expression), Is.SupersetOf(new[] { deepest, longest }));
        Assert.That(FormatCommand.TryFormat(SourceText.From(text, "main.circuit"), out _), Is.Not.Null);
    }
}
