namespace CircuitDsl.Cli.Tests;

public class EmitCommandTests
{
    const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\nbaseline resampled_input\n";

    [Test]
    public void PrintsTheGeneratedSourceOfAFile()
    {
        using var folder = new TempFolder();
        string path = folder.File("induction.circuit", Header + "let token = x.Tokens[x.Pos]\nhypothesis h {\n  node out = logits computes token\n  expect scrub recovers >= 0.5\n}\n");
        var (code, output, error) = CliRunner.Run("emit", path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("public static class InductionCircuit").And.Contain("public static int Let_token("));
        Assert.That(output, Does.Contain($"#line (5,13)-(5,28) 12 \"{path}\""));
    }

    [Test]
    public void ASandboxViolationIsADiagnosticAtTheExpressionAndExit2()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.circuit", Header + "let leak = System.Environment.GetEnvironmentVariable(\"HOME\")\nhypothesis h {\n  expect model metric <= 5\n}\n");
        var (code, output, error) = CliRunner.Run("emit", path);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(output, Is.Empty);
        Assert.That(error, Does.Contain($"{path}:5:12: error CD3003").And.Contain("^~~"));
    }

    [Test]
    public void ABindingErrorStopsBeforeLowering()
    {
        using var folder = new TempFolder();
        string path = folder.File("unbound.circuit", Header + "hypothesis h {\n  node out = logits\n    from missing\n}\n");
        var (code, _, error) = CliRunner.Run("emit", path);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("CD2001"));
    }
}
