using System.Text.Json;
using CircuitDsl.Cli.Check;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>SARIF is written from the same report as JSON: each diagnostic where the report puts it, with its rule's title.</summary>
public class SarifReportWriterTests
{
    static readonly ToolVersions Tool = new("0.1.0", "0.107.0", "5.12.0", "10.0");

    static JsonElement Run(CheckReport report, string baseDirectory)
    {
        using var log = JsonDocument.Parse(SarifReportWriter.Write(report, baseDirectory));
        return log.RootElement.GetProperty("runs")[0].Clone();
    }

    [Test]
    public void EveryDiagnosticIsAResultAtTheReportsPlaceUnderItsRule()
    {
        var multiLine = new DiagnosticEntry("CD2003", "Layer out of range", DiagnosticSeverity.Error, "layer 5 does not exist", "hypotheses/b.circuit", 4, 9, 6, 2);
        var warning = new DiagnosticEntry("CD1001", "Unused name", DiagnosticSeverity.Warning, "x is never used", "hypotheses/a.circuit", 2, 1, 2, 5);
        var report = new CheckReport(Tool, [
            new FileReport("hypotheses/b.circuit", "", [], [multiLine], []),
            new FileReport("hypotheses/a.circuit", "", [], [warning], []),
        ]);
        using var folder = new TempFolder();
        var run = Run(report, folder.Path);

        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray()
            .Select(r => (r.GetProperty("id").GetString(), r.GetProperty("shortDescription").GetProperty("text").GetString())).ToList();
        Assert.That(rules, Is.EqualTo(new[] { ("CD1001", "Unused name"), ("CD2003", "Layer out of range") }));

        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.That(results.Select(r => r.GetProperty("ruleId").GetString()), Is.EqualTo(new[] { "CD1001", "CD2003" }), "by file");
        var place = results[1].GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(place.GetProperty("artifactLocation").GetProperty("uri").GetString(), Is.EqualTo("hypotheses/b.circuit"));
        var region = place.GetProperty("region");
        Assert.That((region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32(), region.GetProperty("endLine").GetInt32(), region.GetProperty("endColumn").GetInt32()),
            Is.EqualTo((4, 9, 6, 2)), "the report's own region, across lines");
    }

    [Test]
    public void AFileOutsideTheBaseKeepsItsAbsolutePathAndAWholeFileDiagnosticHasNoRegion()
    {
        var outside = new DiagnosticEntry("CD4099", "Internal error", DiagnosticSeverity.Error, "a bug", "/elsewhere/c.circuit", 0, 0, 0, 0);
        using var folder = new TempFolder();
        var result = Run(new CheckReport(Tool, [new FileReport("/elsewhere/c.circuit", "", [], [outside], [])]), folder.Path).GetProperty("results")[0];
        var place = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.That(place.GetProperty("artifactLocation").GetProperty("uri").GetString(), Is.EqualTo("file:///elsewhere/c.circuit"));
        Assert.That(place.GetProperty("artifactLocation").TryGetProperty("uriBaseId", out _), Is.False);
        Assert.That(place.TryGetProperty("region", out _), Is.False);
    }

    [Test]
    public void AFailedExpectationIsANoteAtItsStatementInTheWordsOfTheOtherFormats()
    {
        var failed = ReportSamples.Expectation(">=", 0.9, 0.2, 0.1, 0.3);
        using var folder = new TempFolder();
        var note = Run(ReportSamples.With(failed), folder.Path).GetProperty("invocations")[0].GetProperty("toolExecutionNotifications").EnumerateArray().Single();
        Assert.That(note.GetProperty("message").GetProperty("text").GetString(),
            Is.EqualTo("h: expect scrub recovers >= 0.9: FAIL: recovers = 0.200 [0.100, 0.300]"));
        var region = note.GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.That((region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32()), Is.EqualTo((failed.Line, failed.Column)));
    }
}
