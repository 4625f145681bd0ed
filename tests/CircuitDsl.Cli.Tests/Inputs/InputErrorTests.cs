using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Inputs;

/// <summary>
/// Inputs the tool cannot use end, through the real `circuit` command, as exit code 2 and a
/// <c>file:line:col: error CDxxxx</c> line: never a stack trace, a hang, or memory filled by a device.
/// </summary>
public class InputErrorTests
{
    const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 4, seed: 1)\nmetric loss\n";

    static string Hypothesis(string expectation = "expect model metric <= 100") => $"\nhypothesis h {{\n  {expectation}\n}}\n";

    /// <summary>Runs `circuit` on another thread, so that a command that blocks (a FIFO opened) fails the test instead of hanging it.</summary>
    static (int Code, string Out, string Error) RunBounded(params string[] args)
    {
        var run = Task.Run(() => CliRunner.Run(args));
        Assert.That(run.Wait(TimeSpan.FromSeconds(60)), Is.True, $"circuit {string.Join(' ', args)} did not finish");
        return run.Result;
    }

    static void AssertInputError(int code, string output, string error, string expectedLine)
    {
        string all = output + error;
        Assert.That(code, Is.EqualTo(ExitCodes.Error), all);
        Assert.That(all, Does.Contain(expectedLine));
        CleanOutput.Assert((code, output, error));
    }

    [Test]
    public void ADeviceToCheckIsRefusedAtTheFile()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("/dev/zero is a Linux device");
        var (code, output, error) = RunBounded("check", "--no-progress", "/dev/zero");
        AssertInputError(code, output, error, "/dev/zero:1:1: error CD5006: Cannot use '/dev/zero': it is a character device, not a regular file.");
    }

    [Test]
    public void AFifoIsNeverOpened()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mkfifo is POSIX");
        using var folder = new TempFolder();
        string fifo = folder.File("pipe.circuit");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        string importer = folder.File("imports.circuit", "import \"pipe.circuit\"\n" + Header + Hypothesis());

        var (code, output, error) = RunBounded("check", "--no-progress", fifo);
        AssertInputError(code, output, error, "pipe.circuit:1:1: error CD5006");
        (code, output, error) = RunBounded("check", "--no-progress", importer);
        AssertInputError(code, output, error, "imports.circuit:1:8: error CD5006");
        (code, output, error) = RunBounded("fmt", "--check", fifo);
        AssertInputError(code, output, error, "pipe.circuit:1:1: error CD5006");
        Assert.That(error, Does.Contain("FIFO"));
    }

    [Test]
    public void ImportingADeviceOrADirectoryIsReportedAtTheImport()
    {
        using var folder = new TempFolder();
        string file = folder.File("main.circuit", "import \"/dev/zero\"\nimport \".\"\n" + Header + Hypothesis());
        var (code, output, error) = RunBounded("check", "--no-progress", file);
        AssertInputError(code, output, error, "main.circuit:2:8: error CD5006: Cannot use");
        Assert.That(output + error, Does.Contain("it is a directory"));
        if (OperatingSystem.IsLinux()) Assert.That(output + error, Does.Contain("main.circuit:1:8: error CD5006: Cannot use '/dev/zero'"));
    }

    [Test]
    public void ASourceOverItsLimitIsRefused()
    {
        using var folder = new TempFolder();
        string file = folder.File("huge.circuit", Header + new string(' ', (int)ResourceLimits.MaxSourceFileBytes) + Hypothesis());
        var (code, output, error) = RunBounded("check", "--no-progress", file);
        AssertInputError(code, output, error, "huge.circuit:1:1: error CD5006");
        Assert.That(output + error, Does.Contain("over the limit of 1,048,576 (1 MiB; ResourceLimits.MaxSourceFileBytes)"));
    }

    [TestCase("data jsonl(\".\")", "main.circuit:3:12: error CD5006", "it is a directory")]
    [TestCase("data jsonl(\"missing.jsonl\")", "main.circuit:3:12: error CD5002", "no such file")]
    [TestCase("data jsonl(\"/dev/zero\")", "main.circuit:3:12: error CD5006", "character device")]
    public void AnUnusableDataPathIsReportedAtTheDataStatement(string data, string expectedLine, string reason)
    {
        if (data.Contains("/dev/", StringComparison.Ordinal) && !OperatingSystem.IsLinux()) Assert.Ignore("/dev/zero is a Linux device");
        using var folder = new TempFolder();
        string file = folder.File("main.circuit", $"model zoo:attn-only-2l\nmetric loss\n{data}\n" + Hypothesis());
        var (code, output, error) = RunBounded("check", "--no-progress", file);
        AssertInputError(code, output, error, expectedLine);
        Assert.That(output + error, Does.Contain(reason));
    }

    [TestCase("expect model metric <= 1e400", "main.circuit:7:26: error CD1007: Number '1e400' is out of range")]
    [TestCase("expect path L99999999999.H0 -> logits effect <= 0", "main.circuit:7:15: error CD2003: Layer 'L99999999999' does not exist")]
    public void ANumberTheToolCannotHoldIsReportedAtTheLiteral(string expectation, string expectedLine)
    {
        using var folder = new TempFolder();
        string file = folder.File("main.circuit", Header + "baseline resampled_input\n" + Hypothesis(expectation));
        var (code, output, error) = RunBounded("check", "--no-progress", file);
        AssertInputError(code, output, error, expectedLine);
    }

    [Test]
    public void ASeedAboveTwoToThe53SurvivesToTheReport()
    {
        using var folder = new TempFolder();
        string file = folder.File("main.circuit", "model zoo:attn-only-2l\ndata repeated_tokens(count: 4, seed: 9007199254740993)\nmetric loss\n" + Hypothesis());
        string report = folder.File("report.json");
        var (code, output, error) = RunBounded("check", "--no-progress", file, "--format", "json", "--out", report);
        Assert.That(code, Is.Zero, output + error);
        var hypothesis = JsonDocument.Parse(File.ReadAllText(report)).RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0];
        Assert.That(hypothesis.GetProperty("seed").GetInt64(), Is.EqualTo(9007199254740993L));
        Assert.That(hypothesis.GetProperty("data").GetString(), Does.Contain("seed: 9007199254740993"));
    }

    [TestCase("count: 4, seed: 99999999999999999999", "main.circuit:2:38: error CD1007: Number '99999999999999999999' is out of range")]
    [TestCase("count: 100000000, seed: 1", "main.circuit:2:29: error CD2036: Dataset too large: count 100000000 is over the limit of 1,000,000 examples")]
    [TestCase("count: 0, seed: 1", "main.circuit:2:29: error CD2019: Argument 'count' of task 'repeated_tokens' must be at least 1; found 0.")]
    [TestCase("count: 4, seed: 1, length: -3", "main.circuit:2:49: error CD2019: Argument 'length' of task 'repeated_tokens' must be at least 4; found -3.")]
    public void ATaskArgumentOutOfRangeIsReportedBeforeAnyExampleIsMade(string arguments, string expectedLine)
    {
        using var folder = new TempFolder();
        string file = folder.File("main.circuit", $"model zoo:attn-only-2l\ndata repeated_tokens({arguments})\nmetric loss\n" + Hypothesis());
        var (code, output, error) = RunBounded("check", "--no-progress", file);
        AssertInputError(code, output, error, expectedLine);
    }

    [Test]
    public void AJsonlFileThatMixesCounterfactualsIsReportedNotHalfUsed()
    {
        using var folder = new TempFolder();
        folder.File("mixed.jsonl", "{\"prompt\": [1, 2, 3], \"counterfactual\": [3, 2, 1]}\n{\"prompt\": [2, 3, 1]}\n");
        string file = folder.File("main.circuit", "model zoo:attn-only-2l\ndata jsonl(\"mixed.jsonl\", seed: 1)\nmetric loss\n" + Hypothesis());
        var (code, output, error) = RunBounded("check", "--no-progress", file);
        AssertInputError(code, output, error, "main.circuit:2:1: error CD4001");
        Assert.That(output + error, Does.Contain("line 2: no 'counterfactual', but line 1 has one"));
    }
}
