namespace CircuitDsl.Cli.Tests.Check;

/// <summary>A warning is no failure, but `check` says it on standard error, located, whatever the report format.</summary>
public class WarningOutputTests
{
    [Test]
    public void AWarningIsLocatedOnStandardErrorAndTheRunStillPasses()
    {
        using var dir = new TempFolder();
        // Under grouped-query attention L1.H2 and L1.H3 share one key input: a path into one of them is warned about (CD2043).
        string file = dir.File("split.circuit");
        File.WriteAllText(file, "model zoo:llama-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\n\n" +
            "hypothesis split_group {\n  expect path L0.H3 -> L1.H2.k effect <= 1\n}\n");
        var (code, output, error) = CliRunner.Run("check", "--no-progress", "--no-cache", file);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), output + error);
        Assert.That(error, Does.Contain($"{file}:6:").And.Contain("warning CD2043"));
    }
}
