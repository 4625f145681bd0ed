using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// A report never replaces what the run reads (a checked or imported file, the baseline), two reports never share a
/// file, and a device or pipe named as --out is written, not replaced by a regular file.
/// </summary>
public class DataLossTests
{
    [TestCase("good.circuit")]
    [TestCase("./good.circuit")]
    [TestCase("sub/../good.circuit")]
    [TestCase("link-to-good.circuit")]
    public void AReportIsNeverWrittenOverACheckedFile(string output)
    {
        using var attempt = new Attempt();
        string good = attempt.File("good.circuit", Attempt.Holding);
        Directory.CreateDirectory(attempt.FileName("sub"));
        File.CreateSymbolicLink(attempt.FileName("link-to-good.circuit"), good);
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--format", "json", "--out", output);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("a file being checked"));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AReportIsNeverWrittenOverAnImportedFile()
    {
        using var attempt = new Attempt();
        attempt.File("lib.circuit", "let token = x.Tokens[x.Pos]\n");
        attempt.File("main.circuit", "import \"lib.circuit\"\n\n" + Attempt.Holding);
        var (code, _, error) = attempt.Run("check", "--no-progress", "main.circuit", "--format", "markdown", "--out", "lib.circuit");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("import"));
        attempt.AssertInputsUnchanged();
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AReportIsNeverWrittenOverTheBaseline(bool update)
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        Assert.That(attempt.Run("check", "--no-progress", "good.circuit", "--baseline", "baseline.json", "--update-baseline").Code, Is.EqualTo(ExitCodes.Ok));
        string[] args = ["check", "--no-progress", "good.circuit", "--baseline", "baseline.json", "--format", "json", "--out", "baseline.json"];
        var (code, _, error) = attempt.Run(update ? [.. args, "--update-baseline"] : args);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("baseline"));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AWorseResultThanTheBaselineIsARegressionEvenWhenItStillPasses()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        Assert.That(attempt.Run("check", "--no-progress", "good.circuit", "--baseline", "baseline.json", "--update-baseline").Code, Is.EqualTo(ExitCodes.Ok));
        // Make the recorded loss much better than what the model gives: today's run must regress against it.
        string path = attempt.FileName("baseline.json");
        var text = File.ReadAllText(path);
        using (var document = JsonDocument.Parse(text))
        {
            var metric = document.RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks")[0].GetProperty("statistics").GetProperty("metric");
            text = text.Replace(metric.GetProperty("value").GetRawText(), "0.0001");
        }
        File.WriteAllText(path, text);
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--baseline", "baseline.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Failed), error);
        Assert.That(error, Does.Contain("regression"));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void TwoReportsCannotShareAFile()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--format", "json", "--out", "r.json", "--format", "sarif", "--out", "./r.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("each report needs its own file"));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AFolderAsReportFileIsAnError()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        Directory.CreateDirectory(attempt.FileName("reports"));
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--format", "json", "--out", "reports");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("folder"));
    }

    [Test]
    public void ADeviceAsReportFileIsWrittenNotReplaced()
    {
        if (!File.Exists("/dev/null")) Assert.Ignore("no /dev/null on this system");
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--format", "json", "--out", "/dev/null");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(InputFiles.Inspect("/dev/null").Kind, Is.EqualTo(InputFileKind.Special), "still the device");
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AReportThroughASymbolicLinkReplacesTheFileTheLinkNamesAndKeepsTheLink()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        string real = attempt.File("reports/real.json", "old");
        string link = attempt.FileName("report.json");
        File.CreateSymbolicLink(link, real);
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--format", "json", "--out", "report.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(new FileInfo(link).LinkTarget, Is.Not.Null, "the link is still a link");
        Assert.That(File.ReadAllText(real), Does.Contain("schemaVersion"));
    }

    [Test]
    public void ABaselineThatKnowsNoneOfTheRunsExpectationsIsAnErrorNotAPass()
    {
        using var attempt = new Attempt();
        attempt.File("sub/good.circuit", Attempt.Holding);
        string baseline = attempt.FileName("baseline.json");
        // Written from inside sub/, the baseline names "good.circuit"; run from the parent, the file is "sub/good.circuit".
        Assert.That(attempt.Run("check", "--no-progress", "sub/good.circuit", "--baseline", baseline, "--update-baseline").Code, Is.EqualTo(ExitCodes.Ok));
        File.WriteAllText(baseline, File.ReadAllText(baseline).Replace("\"sub/good.circuit\"", "\"good.circuit\""));
        var (code, _, error) = attempt.Run("check", "--no-progress", "sub/good.circuit", "--baseline", baseline);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("none of this run's 1 expectations"));
    }

    [Test]
    public void AReportIsNeverWrittenOverADataFile()
    {
        using var attempt = new Attempt();
        attempt.File("prompts.jsonl", "{\"prompt\": [1, 2, 3, 4]}\n{\"prompt\": [4, 3, 2, 1]}\n");
        attempt.File("data.circuit", "model zoo:attn-only-2l\ndata jsonl(\"prompts.jsonl\")\nmetric loss\n\nhypothesis h {\n  expect model metric <= 100\n}\n");
        var (code, _, error) = attempt.Run("check", "--no-progress", "data.circuit", "--format", "json", "--out", "prompts.jsonl");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("a data file"));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AFolderLinkInTheReportPathDoesNotHideACheckedFileOrTheBaseline()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        Directory.CreateSymbolicLink(attempt.FileName("here"), attempt.Path);
        var (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--format", "text", "--out", "here/good.circuit");
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        Assert.That(attempt.Run("check", "--no-progress", "good.circuit", "--baseline", "base.json", "--update-baseline").Code, Is.EqualTo(ExitCodes.Ok));
        (code, _, error) = attempt.Run("check", "--no-progress", "good.circuit", "--baseline", "base.json", "--format", "json", "--out", "here/base.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AReplacedFileKeepsItsPermissions()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Unix permissions");
            return;
        }
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        string report = attempt.File("report.json", "old");
        File.SetUnixFileMode(report, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.That(attempt.Run("check", "--no-progress", "good.circuit", "--format", "json", "--out", "report.json").Code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.GetUnixFileMode(report), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead));
        Assert.That(File.ReadAllText(report), Does.Contain("schemaVersion"));
    }
}
