using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>Whole numbers are read exactly from their text; numbers their place cannot hold are diagnostics at the literal.</summary>
public class NumberTests
{
    [TestCase("0", 0L)]
    [TestCase("512", 512L)]
    [TestCase("-3", -3L)]
    [TestCase("1e3", 1000L)]
    [TestCase("2.50e1", 25L)]
    [TestCase("0.0e99999999999", 0L)]
    [TestCase("000000000000000000000000007", 7L)]
    [TestCase("9007199254740993", 9007199254740993L)]
    [TestCase("9223372036854775807", long.MaxValue)]
    [TestCase("-9223372036854775808", long.MinValue)]
    [TestCase("1e18", 1_000_000_000_000_000_000L)]
    [TestCase("123456789e-9", 0L, WholeNumberFit.NotWhole)]
    [TestCase("0.5", 0L, WholeNumberFit.NotWhole)]
    [TestCase("1e-99999999999", 0L, WholeNumberFit.NotWhole)]
    [TestCase("9223372036854775808", 0L, WholeNumberFit.TooLarge)]
    [TestCase("-9223372036854775809", 0L, WholeNumberFit.TooLarge)]
    [TestCase("1e19", 0L, WholeNumberFit.TooLarge)]
    [TestCase("1e99999999999", 0L, WholeNumberFit.TooLarge)]
    public void WholeNumbersAreReadExactly(string text, long expected, WholeNumberFit fit = WholeNumberFit.Fits)
    {
        Assert.That(WholeNumbers.Read(text, out long value), Is.EqualTo(fit));
        Assert.That(value, Is.EqualTo(expected));
    }

    [TestCase(9007199254740993L)] // 2^53 + 1: a double rounds it to 2^53
    [TestCase(long.MaxValue)]
    [TestCase(long.MinValue)]
    public void ASeedSurvivesBindingExactly(long seed)
    {
        var result = TestSupport.Analyze($"model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: {seed})\nmetric loss\nhypothesis h {{\n  expect model metric <= 2.5\n}}\n");

        Assert.That(result.File, Is.Not.Null, result.RenderText());
        Assert.That(result.File!.Hypotheses[0].Data.Seed, Is.EqualTo(seed));
    }

    [TestCase("expect model metric <= 1e400", "1e400")]
    [TestCase("expect model metric <= -1e309", "-1e309")]
    [TestCase("expect model metric >= 5e-325", "5e-325")]
    [TestCase("expect path L0.H0 at 0 -> logits at S1+2147483648 effect <= 0", "2147483648")]
    public void UnrepresentableNumbersAreReportedAtTheLiteral(string expectation, string literal)
    {
        string text = $"model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {{\n  {expectation}\n}}\n";
        var result = TestSupport.Analyze(text);

        var diagnostic = result.Diagnostics.Single();
        Assert.That(diagnostic.Code, Is.EqualTo("CD1007"), result.RenderText());
        Assert.That((diagnostic.Span.Line, diagnostic.Span.Column, diagnostic.Span.Length),
            Is.EqualTo((5, 3 + expectation.IndexOf(literal, StringComparison.Ordinal), literal.Length)));
    }

    [TestCase("count: 100000000", "count 100000000 is over the limit of 1,000,000 examples")]
    [TestCase("count: 99999999999999", "count 99999999999999 is over the limit of 1,000,000 examples")]
    [TestCase("count: 1000000, length: 48", null)] // 4.8e7 tokens: just under the limit of 5e7
    public void DatasetsOverTheLimitsAreRefusedWithAnEstimate(string arguments, string? expected)
    {
        var result = TestSupport.Analyze($"model zoo:attn-only-2l\ndata repeated_tokens({arguments}, seed: 1)\nmetric loss\nhypothesis h {{\n}}\n");

        var tooLarge = result.Diagnostics.Where(d => d.Code == "CD2036").ToList();
        Assert.That(tooLarge, Has.Count.EqualTo(expected is null ? 0 : 1), result.RenderText());
        if (expected is not null)
        {
            Assert.That(tooLarge[0].Message, Does.Contain(expected));
            Assert.That(tooLarge[0].Span.Column, Is.EqualTo("data repeated_tokens(count: ".Length + 1));
        }
    }

    [Test]
    public void TokensAreEstimatedPerTask()
    {
        var result = TestSupport.Analyze("model zoo:gpt2-small\ndata ioi(count: 4000000, seed: 1)\nmetric loss\nhypothesis h {\n}\n");

        Assert.That(result.Diagnostics.Single(d => d.Code == "CD2036").Message, Does.Contain("count 4000000 × 16 tokens = 6.4e7 tokens"));
    }

    [Test]
    public void TheFormatterKeepsNumbersAsWritten()
    {
        const string text = "model zoo:gpt2-small\ndata ioi(count: 1e1, seed: 9007199254740993)\nmetric logit_diff(IO, S) at END-00, S1+01, 047\n\nhypothesis h {\n  expect model metric <= 2.50e0\n}\n";

        Assert.That(Formatting.CircuitFormatter.Format(CircuitParser.Parse(text, "main.circuit")), Is.EqualTo(text));
    }
}
