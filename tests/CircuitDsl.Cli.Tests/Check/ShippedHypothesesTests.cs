using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// The README's main command: every file in hypotheses/ compiles, runs on the shipped model, and holds; its JSON
/// report (written in the same run) follows docs/report.schema.json.
/// </summary>
public class ShippedHypothesesTests
{
    [Test]
    public void EveryShippedHypothesisHolds()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string json = Path.Combine(Path.GetTempPath(), $"circuitdsl-report-{Guid.NewGuid():N}.json");
        int code;
        try
        {
            code = CircuitApp.Run(["check", "--no-progress", "--format", "json", "--out", json, "--format", "text", RepositoryRoot.File("hypotheses")], stdout, stderr);
            using var report = JsonDocument.Parse(File.ReadAllText(json));
            Assert.That(JsonSchemaValidator.Validate(ReportSchemaTests.Schema, report.RootElement), Is.Empty);
        }
        finally
        {
            File.Delete(json);
        }
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stdout + "\n" + stderr);
        Assert.That(stdout.ToString(), Does.Contain("wrong_key_head").And.Contain("refined").And.Contain("senders_to_keys"));
        Assert.That(stdout.ToString(), Does.Not.Contain("FAIL"));
        // GPT-2 small's weights are not shipped: its file is skipped, with how to run it, and does not fail the run.
        Assert.That(stdout.ToString(), Does.Contain("SKIPPED").And.Contain("gpt2/ioi.circuit").And.Contain("--model PATH_TO_HF_GPT2_SMALL_FOLDER"));
    }
}
