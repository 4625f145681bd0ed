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
}
