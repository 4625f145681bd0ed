using System.Text.Json;
using System.Text.Json.Nodes;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// The README's main command: every file in hypotheses/ compiles, runs on the shipped model, and holds; its JSON
/// report (written in the same run) follows docs/report.schema.json, and its numbers are those recorded in
/// Recorded/shipped-hypotheses.json (regenerate with <c>CIRCUIT_UPDATE_BASELINES=1 dotnet test tests/CircuitDsl.Cli.Tests</c>).
/// </summary>
public class ShippedHypothesesTests
{
    const string Project = "tests/CircuitDsl.Cli.Tests";
    const int MaxListed = 30;
    static readonly string RecordedPath = RepositoryRoot.File("tests", "CircuitDsl.Cli.Tests", "Check", "Recorded", "shipped-hypotheses.json");

    int code;
    string stdout = "", stderr = "", json = "";

    // One run of every shipped hypothesis (the slowest thing in the suite) serves every test here.
    [OneTimeSetUp]
    public void CheckEveryShippedFile()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string report = Path.Combine(Path.GetTempPath(), $"circuitdsl-report-{Guid.NewGuid():N}.json");
        try
        {
            code = CircuitApp.Run(["check", "--no-progress", "--format", "json", "--out", report, "--format", "text", RepositoryRoot.File("hypotheses")], output, error);
            json = File.Exists(report) ? File.ReadAllText(report) : "";
        }
        finally
        {
            File.Delete(report);
        }
        (stdout, stderr) = (output.ToString(), error.ToString());
    }

    [Test]
    public void EveryShippedHypothesisHolds()
    {
        using (var report = JsonDocument.Parse(json))
            Assert.That(JsonSchemaValidator.Validate(ReportSchemaTests.Schema, report.RootElement), Is.Empty);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stdout + "\n" + stderr);
        Assert.That(stdout, Does.Contain("wrong_key_head").And.Contain("refined").And.Contain("senders_to_keys"));
        Assert.That(stdout, Does.Not.Contain("FAIL"));
        // GPT-2 small's weights are not shipped: its file is skipped, with how to run it, and does not fail the run.
        Assert.That(stdout, Does.Contain("SKIPPED").And.Contain("gpt2/ioi.circuit").And.Contain("--model zoo:gpt2-small=DIR"));
    }

    [Test]
    public void EveryStatisticIsTheRecordedOne()
    {
        JsonObject actual;
        using (var report = JsonDocument.Parse(json))
            actual = RecordedReport.Extract(report.RootElement, RepositoryRoot.Path);
        if (BaselineFile.Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(RecordedPath)!);
            File.WriteAllText(RecordedPath, RecordedReport.Write(actual));
            return;
        }

        Assert.That(File.Exists(RecordedPath), Is.True, $"Missing {RecordedPath}: run {BaselineFile.Regenerate(Project)}");
        var differences = RecordedReport.Differences(JsonNode.Parse(File.ReadAllText(RecordedPath))!, actual);
        if (differences.Count > 0)
            Assert.Fail($"The shipped hypotheses' numbers differ from {Path.GetRelativePath(RepositoryRoot.Path, RecordedPath)} " +
                $"(floats within {TestSupport.Float32.Relative:0e0} relative, {TestSupport.Float32.Absolute:0e0} absolute; integers exactly):\n  " +
                string.Join("\n  ", differences.Take(MaxListed)) + (differences.Count > MaxListed ? $"\n  ... and {differences.Count - MaxListed} more" : "") +
                $"\nIf the change is intended, run {BaselineFile.Regenerate(Project)} and review the diff.");
    }
}
