using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// A causal variable whose expression throws on some example is the file's error (CD4002 at the expression's line,
/// naming the example and position), not a crash: the run goes on and every other file keeps its results.
/// </summary>
public class CausalVariableFailureTests
{
    const string Scrub = "hypothesis h {\n  node out = logits\n    from ind\n  node ind = L1.H0 computes bad\n    from embed agreeing on token\n  expect scrub recovers >= 0.1\n}\n";

    static string Variables(string bad) => $"let token = x.Tokens[x.Pos]\nlet bad = {bad}\n\n";

    [TestCase("1 / (x.Pos - x.Pos)", "DivideByZeroException")]
    [TestCase("x.Group.Length", "NullReferenceException")]
    [TestCase("checked(int.MaxValue + x.Pos + 1)", "OverflowException")]
    [TestCase("x.Tokens.Select(t => int.MaxValue).Sum()", "OverflowException")]
    [TestCase("int.MinValue / (x.Pos - x.Pos - 1)", "OverflowException")]
    [TestCase("x.Tokens.Where(t => t < 0).First()", "InvalidOperationException")]
    [TestCase("x.Position(\"repeated\")", "InvalidOperationException")]
    [TestCase("x.Position(\"nowhere\")", "KeyNotFoundException")]
    [TestCase("x.Tokens.Skip(x.Pos).Aggregate((a, b) => checked(a * b * 1000003))", "OverflowException")]
    public void AThrowingVariableIsCD4002AtItsLineAndTheOtherFileStillReports(string expression, string exception)
    {
        using var attempt = new Attempt();
        attempt.File("bad.circuit", Attempt.Header + Variables(expression) + Scrub);
        attempt.File("good.circuit", Attempt.Holding);
        string json = attempt.FileName("report.json");
        var (code, _, error) = attempt.Run("check", "--no-progress", ".", "--format", "json", "--out", json);

        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        Attempt.AssertLocated(error, "bad.circuit", 6, "CD4002");
        Assert.That(error, Does.Contain("'bad'").And.Contain(exception).And.Match(@"repeated_tokens #\d+ at position \d+"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var files = report.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.That(files["bad.circuit"].GetProperty("status").GetString(), Is.EqualTo("error"));
        Assert.That(files["good.circuit"].GetProperty("status").GetString(), Is.EqualTo("passed"));
        Assert.That(files["good.circuit"].GetProperty("hypotheses").GetArrayLength(), Is.EqualTo(1));
        attempt.AssertInputsUnchanged(json);
    }

    [Test]
    public void AVariableThatThrowsInAnImportedFileIsLocatedInThatFile()
    {
        using var attempt = new Attempt();
        attempt.File("lib.circuit", "let token = x.Tokens[x.Pos]\n\n// the divisor is zero at every position\nlet bad = x.Length / (x.Pos - x.Pos)\n");
        attempt.File("main.circuit", "import \"lib.circuit\"\n\n" + Attempt.Header + Scrub);
        var (code, _, error) = attempt.Run("check", "--no-progress", "main.circuit", "--format", "github");
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        Attempt.AssertLocated(error, "lib.circuit", 4, "CD4002");
    }

    [Test]
    public void AnotherHypothesisOfTheSameFileStillRuns()
    {
        using var attempt = new Attempt();
        attempt.File("mixed.circuit", Attempt.Header + Variables("1 / (x.Pos - x.Pos)") + Scrub + "\nhypothesis copies {\n  expect model metric <= 0.5\n}\n");
        var (code, output, error) = attempt.Run("check", "--no-progress", "mixed.circuit");
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        Assert.That(output, Does.Contain("copies").And.Contain("pass"));
    }
}
