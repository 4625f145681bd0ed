using CircuitDsl.Compiler.Sandbox;

namespace CircuitDsl.Compiler.Tests.Sandbox;

/// <summary>What researchers write must keep working: the allowlist is not a wall.</summary>
public class SandboxAllowedTests
{
    static readonly TestExample Example = new();

    [TestCase("x.Tokens[x.Pos]", 1, "int")]
    [TestCase("x.Tokens[x.Pos - 1]", 4, "int")]
    [TestCase("x.PrevOccurrence(x.Pos)", 1, "int")]
    [TestCase("x.Tokens.Count(t => t == 1)", 2, "int")]
    [TestCase("x.Tokens.Take(x.Pos).Sum() % 2 == 0", true, "bool")]
    [TestCase("Math.Max(x.Tokens[0], x.Tokens[1])", 3, "int")]
    [TestCase("x.Text.Substring(4, 3)", "cat", "string")]
    [TestCase("x.Text.Length > 3 && char.IsLetter(x.Text[0])", true, "bool")]
    [TestCase("x.Label == CircuitDsl.Compiler.Tests.Sandbox.TestLabel.Balanced", true, "bool")]
    [TestCase("x.Tokens.Where(t => t > 2).Select(t => t * 2).Max()", 18, "int")]
    [TestCase("x.Tokens.Count(a => x.Tokens.Count(b => b == a) > 1)", 2, "int")]
    [TestCase("x.Pos >= 2 ? x.Tokens[x.Pos - 2] : -1", 1, "int")]
    [TestCase("x.Tokens[^1]", 6, "int")]
    // LINQ's, as written (C# 14 would bind these to span extensions outside the allowlist, or to an in-place Reverse).
    [TestCase("x.Tokens.Contains(x.Tokens[x.Pos])", true, "bool")]
    [TestCase("x.Tokens.Reverse().First()", 6, "int")]
    [TestCase("x.Tokens.SequenceEqual(x.Tokens)", true, "bool")]
    [TestCase("(double)x.Tokens.Sum() / x.Tokens.Length", 3.875, "double")]
    public void ComputesWhatItSays(string expression, object expected, string type)
    {
        var (result, value) = SandboxEvaluator.CheckAndRun(expression, Example);
        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        Assert.That(value, Is.EqualTo(expected));
        Assert.That(result.ResultType, Is.EqualTo(type));
    }

    [Test]
    public void TupleResultsDefineClassesByValue()
    {
        var result = SandboxEvaluator.Check("(x.Tokens[x.Pos], x.Pos > 2)");
        Assert.That(result.Allowed, Is.True, string.Join("; ", result.Diagnostics));
        Assert.That(result.ResultType, Is.EqualTo("(int, bool)"));
    }

    [TestCase("x.Tokens", "int[]")]
    [TestCase("x.Tokens.Where(t => t > 1)", "IEnumerable")]
    public void ResultsThatCompareByReferenceAreRefused(string expression, string typeFragment)
    {
        var result = SandboxEvaluator.Check(expression);
        Assert.That(result.Diagnostics.Single().Code, Is.EqualTo(CompilerDiagnostics.ResultNotComparable.Code));
        Assert.That(result.Diagnostics.Single().Message, Does.Contain(typeFragment));
    }

    [Test]
    public void TypeErrorsCarryRoslynsCodeAtTheRightSpan()
    {
        const string expression = "x.Tokens[x.Poss]";
        var result = SandboxEvaluator.Check(expression);
        var error = result.Diagnostics.Single();
        Assert.That(error.Code, Is.EqualTo(CompilerDiagnostics.CSharpError.Code));
        Assert.That(error.Message, Does.StartWith("CS1061").And.Contain("Poss"));
        Assert.That(expression.Substring(error.Start, error.Length), Is.EqualTo("Poss"));
    }

    [Test]
    public void ARefusedMemberIsReportedAtItsOwnSpan()
    {
        const string expression = "x.Tokens[0] + System.Environment.ProcessorCount";
        var result = SandboxEvaluator.Check(expression);
        var refused = result.Diagnostics.First(d => d.Code == CompilerDiagnostics.ForbiddenSymbol.Code);
        Assert.That(expression.Substring(refused.Start, refused.Length), Does.Contain("Environment"));
        Assert.That(refused.Start, Is.GreaterThan(10));
    }
}

public class SandboxVariableTests
{
    static readonly ExpressionSandbox Sandbox = new(typeof(TestExample), contextTypes: [typeof(TestLabel)]);

    [Test]
    public void AnExpressionMayUseOtherVariablesByName()
    {
        var result = Sandbox.Check("seen_before ? x.Tokens[x.PrevOccurrence(x.Pos) + 1] : -1", new Dictionary<string, string> { ["seen_before"] = "bool" });
        Assert.That(result.Diagnostics, Is.Empty, string.Join("; ", result.Diagnostics));
        Assert.That(result.ResultType, Is.EqualTo("int"));
    }

    [Test]
    public void AVariableOfAForbiddenTypeCannotSmuggleOneIn()
    {
        var result = Sandbox.Check("file.Length", new Dictionary<string, string> { ["file"] = "global::System.IO.FileInfo" });
        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain(CompilerDiagnostics.ForbiddenSymbol.Code));
    }

    [Test]
    public void AnUnknownNameIsACSharpErrorAtItsSpan()
    {
        var result = Sandbox.Check("token + 1");
        var error = result.Diagnostics.Single();
        Assert.That(error.Message, Does.StartWith("CS0103"));
        Assert.That((error.Start, error.Length), Is.EqualTo((0, 5)));
    }
}
