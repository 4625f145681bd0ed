using System.Text.Json;
using System.Xml.Linq;
using CircuitDsl.Cli.Check;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>`circuit check` end to end on the shipped model, with the model-only stand-in compiler.</summary>
public class CheckCommandTests
{
    string dir = "";

    [SetUp]
    public void CreateFolder()
    {
        dir = Path.Combine(Path.GetTempPath(), "circuitdsl-check-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
    }

    [TearDown]
    public void RemoveFolder() => Directory.Delete(dir, true);

    const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 16, seed: 3)\nmetric loss at repeated\n\n";

    string Write(string name, string body)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, Header + body);
        return path;
    }

    static (int Code, string Out, string Error) Check(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CircuitApp.Run(["check", "--no-progress", .. args], stdout, stderr, () => new ModelOnlyCompiler());
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void HoldingExpectationsExitZeroAndPrintATable()
    {
        Write("good.circuit", "hypothesis copies {\n  expect model metric <= 0.5\n}\n");
        var (code, output, error) = Check(dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error + output);
        Assert.That(output, Does.Contain("copies").And.Contain("pass").And.Contain("1 of 1 expectations hold"));
    }

    [Test]
    public void AFailedExpectationExitsOne()
    {
        Write("bad.circuit", "hypothesis perfect {\n  expect model metric <= 0.0001\n}\n");
        var (code, output, _) = Check(dir);
        Assert.That(code, Is.EqualTo(ExitCodes.Failed));
        Assert.That(output, Does.Contain("FAIL"));
    }

    [Test]
    public void AnErrorInOneFileExitsTwoWithFileLineAndColumnAndTheOtherFileStillRuns()
    {
        Write("good.circuit", "hypothesis copies {\n  expect model metric <= 0.5\n}\n");
        Write("broken.circuit", "hypothesis h {\n  expect path L5.H0 -> logits effect <= -0.5\n}\n");
        string json = Path.Combine(dir, "report.json");
        var (code, _, error) = Check(dir, "--format", "json", "--out", json);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Match(@"broken\.circuit:6:\d+: error CD2003"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var files = report.RootElement.GetProperty("files");
        Assert.That(files.GetArrayLength(), Is.EqualTo(2));
        Assert.That(files.EnumerateArray().Single(f => f.GetProperty("path").GetString()!.EndsWith("good.circuit")).GetProperty("hypotheses").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public void SeveralFormatsAtOnceEachToItsFile()
    {
        Write("good.circuit", "hypothesis copies {\n  expect model metric <= 0.5\n}\n");
        string json = Path.Combine(dir, "r.json"), junit = Path.Combine(dir, "r.xml"), md = Path.Combine(dir, "r.md");
        var (code, output, error) = Check(dir, "--format", "json", "--out", json, "--format", "junit", "--out", junit, "--format", "markdown", "--out", md, "--format", "text");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(1));
        Assert.That((int)XDocument.Parse(File.ReadAllText(junit)).Root!.Attribute("tests")!, Is.EqualTo(1));
        Assert.That(File.ReadAllText(md), Does.StartWith("## ✅"));
        Assert.That(output, Does.Contain("copies"), "the format without --out goes to stdout");
    }

    [Test]
    public void TheSameRunGivesTheSameReportBytes()
    {
        Write("good.circuit", "hypothesis copies {\n  expect model metric <= 0.5\n}\n");
        string a = Path.Combine(dir, "a.json"), b = Path.Combine(dir, "b.json");
        Check(dir, "--format", "json", "--out", a);
        Check(dir, "--format", "json", "--out", b);
        Assert.That(File.ReadAllBytes(a), Is.EqualTo(File.ReadAllBytes(b)));
    }

    [Test]
    public void SeedSamplesAndFilterOverrideTheFile()
    {
        Write("two.circuit", "hypothesis first {\n  expect model metric <= 0.5\n}\nhypothesis second {\n  expect model metric <= 0.5\n}\n");
        string json = Path.Combine(dir, "r.json");
        Check(dir, "--seed", "99", "--samples", "8", "--filter", "sec", "--format", "json", "--out", json);
        var hypotheses = JsonDocument.Parse(File.ReadAllText(json)).RootElement.GetProperty("files")[0].GetProperty("hypotheses");
        Assert.That(hypotheses.GetArrayLength(), Is.EqualTo(1));
        Assert.That(hypotheses[0].GetProperty("name").GetString(), Is.EqualTo("second"));
        Assert.That(hypotheses[0].GetProperty("seed").GetInt64(), Is.EqualTo(99));
        Assert.That(hypotheses[0].GetProperty("examples").GetInt32(), Is.EqualTo(8));
    }

    [Test]
    public void ABaselineMarksARegressionLargerThanTheInterval()
    {
        string file = Write("good.circuit", "hypothesis copies {\n  expect model metric <= 0.5\n}\n");
        string baseline = Path.Combine(dir, "baseline.json");
        Assert.That(Check(dir, "--baseline", baseline, "--update-baseline").Code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(Check(dir, "--baseline", baseline).Code, Is.EqualTo(ExitCodes.Ok), "unchanged run: no regression");

        // Pretend the baseline was much better: the current loss is now a regression.
        string doctored = File.ReadAllText(baseline).Replace("\"value\": 0.0", "\"value\": -5.0");
        File.WriteAllText(baseline, doctored);
        var (code, _, error) = Check(dir, "--baseline", baseline);
        Assert.That(code, Is.EqualTo(ExitCodes.Failed));
        Assert.That(error, Does.Contain("good.circuit: copies / model: metric moved from -5"));
    }

    [Test]
    public void NoCircuitFilesIsAnError()
    {
        var (code, _, error) = Check(Path.Combine(dir, "nothing-*.circuit"));
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("matches no .circuit file"));
    }
}
