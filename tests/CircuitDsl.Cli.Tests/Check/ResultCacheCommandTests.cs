using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// `circuit check` with the result cache (in this assembly's own cache folder, <see cref="IsolatedCacheFolder"/>): a
/// reused failing expectation still fails the run, --no-cache recomputes, and the JSON report marks what was reused.
/// </summary>
public class ResultCacheCommandTests
{
    const string Failing = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 16, seed: 3)
        metric loss at repeated

        hypothesis copies {
          expect model metric >= 0.5
        }

        """;

    [Test]
    public void AReusedFailingExpectationStillFailsTheRun()
    {
        using var folder = new TempFolder();
        string file = folder.File("failing.circuit", Failing);
        var (firstCode, firstJson) = Check(folder, file);
        var (secondCode, secondJson) = Check(folder, file);

        Assert.That(firstCode, Is.EqualTo(ExitCodes.Failed));
        Assert.That(secondCode, Is.EqualTo(ExitCodes.Failed), "the expectation's outcome is part of the recorded result");
        Assert.That(Hypothesis(firstJson).GetProperty("reused").GetBoolean(), Is.False);
        Assert.That(Hypothesis(secondJson).GetProperty("reused").GetBoolean(), Is.True);
        Assert.That(Expectation(secondJson).GetProperty("passed").GetBoolean(), Is.False);
        Assert.That(secondJson.Replace("\"reused\": true", "\"reused\": false"), Is.EqualTo(firstJson));
    }

    [Test]
    public void NoCacheRecomputesAndTheNextRunReusesWhatItRecorded()
    {
        using var folder = new TempFolder();
        string file = folder.File("holding.circuit", Failing.Replace(">= 0.5", "<= 0.5"));
        var (code, json) = Check(folder, file, "--no-cache");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(Hypothesis(json).GetProperty("reused").GetBoolean(), Is.False);
        Assert.That(Hypothesis(Check(folder, file).Json).GetProperty("reused").GetBoolean(), Is.True, "--no-cache recorded its result");
        Assert.That(Hypothesis(Check(folder, file, "--no-cache").Json).GetProperty("reused").GetBoolean(), Is.False);
    }

    [Test]
    public void TheTextReportCountsTheReusedResults()
    {
        using var folder = new TempFolder();
        string file = folder.File("holding.circuit", Failing.Replace(">= 0.5", "<= 0.5"));
        Check(folder, file);
        var (code, output, error) = CliRunner.Run("check", "--no-progress", file);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("seed 3; reused").And.Contain("1 of 1 hypothesis's result reused"));
    }

    static (int Code, string Json) Check(TempFolder folder, string file, params string[] options)
    {
        string report = folder.File("report.json");
        var (code, output, error) = CliRunner.Run(["check", "--no-progress", file, "--format", "json", "--out", report, .. options]);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok).Or.EqualTo(ExitCodes.Failed), output + error);
        return (code, File.ReadAllText(report));
    }

    static JsonElement Hypothesis(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0];

    static JsonElement Expectation(string json) => Hypothesis(json).GetProperty("checks")[0].GetProperty("expectation");
}
