using System.Text.Json;
using CircuitDsl.Cli.Reports;

namespace CircuitDsl.Cli.Tests.Reports;

public class SarifReportTests
{
    [Test]
    public void ARealDiagnosticHasEveryRequiredFieldWithTheRightValues()
    {
        using var repo = new TempFolder();
        Directory.CreateDirectory(Path.Combine(repo.Path, "hypo theses"));
        var result = BrokenCircuit.Analyze(repo.Path, "hypo theses/broken.circuit");
        var locator = new DiagnosticLocator(repo.Path, result.Sources.SourceOf);

        using var sarif = JsonDocument.Parse(SarifReport.ToJson(result.Diagnostics, locator, SarifTool.Circuit));
        var root = sarif.RootElement;
        Assert.That(root.GetProperty("version").GetString(), Is.EqualTo("2.1.0"));
        Assert.That(root.GetProperty("$schema").GetString(), Does.StartWith("https://").And.Contain("sarif-schema-2.1.0"));

        var run = root.GetProperty("runs").EnumerateArray().Single();
        var driver = run.GetProperty("tool").GetProperty("driver");
        Assert.That(driver.GetProperty("name").GetString(), Is.EqualTo("circuit"));
        Assert.That(driver.GetProperty("version").GetString(), Is.Not.Empty);
        Assert.That(Uri.IsWellFormedUriString(driver.GetProperty("informationUri").GetString(), UriKind.Absolute));
        var rule = driver.GetProperty("rules").EnumerateArray().Single();
        Assert.That(rule.GetProperty("id").GetString(), Is.EqualTo("CD2003"));
        Assert.That(rule.GetProperty("shortDescription").GetProperty("text").GetString(), Is.EqualTo("Layer out of range"));
        Assert.That(Uri.IsWellFormedUriString(rule.GetProperty("helpUri").GetString(), UriKind.Absolute));

        var resultJson = run.GetProperty("results").EnumerateArray().Single();
        Assert.That(resultJson.GetProperty("ruleId").GetString(), Is.EqualTo("CD2003"));
        Assert.That(resultJson.GetProperty("level").GetString(), Is.EqualTo("error"));
        Assert.That(resultJson.GetProperty("message").GetProperty("text").GetString(), Does.Contain("Layer 'L5' does not exist"));
        var location = resultJson.GetProperty("locations")[0].GetProperty("physicalLocation");
        var artifact = location.GetProperty("artifactLocation");
        Assert.That(artifact.GetProperty("uri").GetString(), Is.EqualTo("hypo%20theses/broken.circuit"), "repository-relative, forward slashes, escaped");
        Assert.That(artifact.GetProperty("uriBaseId").GetString(), Is.EqualTo(SarifReport.SourceRootId));
        Assert.That(run.GetProperty("originalUriBaseIds").GetProperty(SarifReport.SourceRootId).GetProperty("uri").GetString(), Does.StartWith("file:///").And.EndWith("/"));
        var region = location.GetProperty("region");
        Assert.That(
            (region.GetProperty("startLine").GetInt32(), region.GetProperty("startColumn").GetInt32(), region.GetProperty("endLine").GetInt32(), region.GetProperty("endColumn").GetInt32()),
            Is.EqualTo((5, 15, 5, 20)));
    }

    [Test]
    public void NoDiagnosticsIsAValidEmptyRun()
    {
        using var dir = new TempFolder();
        using var sarif = JsonDocument.Parse(SarifReport.ToJson([], new DiagnosticLocator(dir.Path, _ => null), SarifTool.Circuit));
        var run = sarif.RootElement.GetProperty("runs")[0];
        Assert.That(run.GetProperty("results").GetArrayLength(), Is.Zero);
        Assert.That(run.GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength(), Is.Zero);
    }
}
