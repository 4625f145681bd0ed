namespace CircuitDsl.Cli.Tests;

public class FmtCommandTests
{
    string dir = "";

    [SetUp]
    public void CreateFolder()
    {
        dir = Path.Combine(Path.GetTempPath(), "circuitdsl-fmt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, true);

    const string Messy = "model   zoo:attn-only-2l\ndata repeated_tokens( count: 64,seed: 7 )\nmetric loss at repeated\nlet token=x.Tokens[x.Pos]\n";

    [Test]
    public void CheckNamesTheFileThatWouldChangeAndExitsOne()
    {
        string file = Path.Combine(dir, "messy.circuit");
        File.WriteAllText(file, Messy);
        var (code, output, _) = CliRunner.Run("fmt", "--check", dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Failed));
        Assert.That(output, Does.Contain("messy.circuit"));
        Assert.That(File.ReadAllText(file), Is.EqualTo(Messy), "--check changes nothing");
    }

    [Test]
    public void FormattingThenCheckingPasses()
    {
        File.WriteAllText(Path.Combine(dir, "messy.circuit"), Messy);
        Assert.That(CliRunner.Run("fmt", dir).ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(CliRunner.Run("fmt", "--check", dir).ExitCode, Is.EqualTo(ExitCodes.Ok));
    }

    [Test]
    public void ASyntaxErrorIsADiagnosticWithFileLineAndColumn()
    {
        File.WriteAllText(Path.Combine(dir, "broken.circuit"), "model zoo:attn-only-2l\nhypothesis h {\n  node out = \n}\n");
        var (code, _, error) = CliRunner.Run("fmt", dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Match(@"broken\.circuit:\d+:\d+: error CD1\d{3}"));
        Assert.That(error, Does.Not.Contain("   at "));
    }
}
