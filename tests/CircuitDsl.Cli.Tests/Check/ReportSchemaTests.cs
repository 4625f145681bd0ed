using System.Text.Json;
using CircuitDsl.Cli.Check;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>docs/report.schema.json describes what the JSON writer writes: a report with every optional part
/// (diagnostics, skipped hypotheses) validates, a report that strays does not. (The shipped hypotheses' real report
/// is validated in <see cref="ShippedHypothesesTests"/>, from the run it makes anyway.)</summary>
public class ReportSchemaTests
{
    public static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(RepositoryRoot.File("docs", "report.schema.json"))).RootElement;

    [Test]
    public void AReportWithDiagnosticsAndSkippedHypothesesFollowsTheSchema()
    {
        var skipped = new SkippedHypothesis("ioi", "zoo:gpt2-small", "not shipped", 20, 1, ["expect model metric >= 2.0"]);
        var diagnostic = new DiagnosticEntry("CD2003", "Layer out of range", CircuitDsl.Language.Diagnostics.DiagnosticSeverity.Warning, "layer 5 does not exist", "a.circuit", 4, 9, 4, 15);
        var report = new CheckReport(new ToolVersions("0.1.0", "0.107.0", "5.12.0", "10.0"),
            [new FileReport("a.circuit", "ab", [], [diagnostic], [skipped])]);
        using var json = JsonDocument.Parse(JsonReportWriter.Write(report));
        Assert.That(JsonSchemaValidator.Validate(Schema, json.RootElement), Is.Empty);
    }

    [Test]
    public void AReportThatStraysFromTheSchemaIsCaught()
    {
        using var json = JsonDocument.Parse("""
            { "schemaVersion": 2, "tool": { "circuitdsl": "1", "torchsharp": "1", "roslyn": "1" }, "allExpectationsHold": "yes",
              "files": [ { "path": "a", "sha256": "b", "status": "odd", "diagnostics": [], "hypotheses": [], "skipped": [], "extra": 1 } ] }
            """);
        Assert.That(JsonSchemaValidator.Validate(Schema, json.RootElement), Is.EquivalentTo(new[]
        {
            "$.schemaVersion: must be 1, is 2",
            "$.tool: lacks 'dotnet'",
            "$.allExpectationsHold: must be boolean, is String",
            "$.files[0].status: \"odd\" is not one of [\"passed\", \"failed\", \"error\", \"skipped\"]",
            "$.files[0].extra: not in the schema",
        }));
    }
}
