namespace CircuitDsl.Cli.Tests;

/// <summary>A causal variable nested 100,000 deep (which would overflow any stack) is exit 2 with file:line:col from every verb that reads it.</summary>
public class ExpressionLimitCommandTests
{
    const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\nbaseline resampled_input\n";
    const int Nesting = 100_000;

    [TestCase("emit")]
    [TestCase("fmt", "--check")]
    [TestCase("check", "--no-progress")]
    public void ADeeplyNestedExpressionIsExit2AtTheBracketPastTheLimit(params string[] verb)
    {
        using var folder = new TempFolder();
        string expression = new string('(', Nesting) + "1" + new string(')', Nesting);
        string path = folder.File("deep.circuit", Header + "let a = " + expression + "\nhypothesis h {\n  expect model metric <= 5\n}\n");
        var (code, _, error) = CliRunner.Run([verb[0], path, .. verb[1..]]);
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        Assert.That(error, Does.Contain($"{path}:5:{9 + ResourceLimits.MaxExpressionDepth}: error CD3008"));
    }
}
