using System.Text.Json;
using System.Xml.Linq;
using CircuitDsl.Cli.Check;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Tests.Check;

public class ReportWriterTests
{
    static CheckReport Sample()
    {
        var recovered = new Estimate(0.934, 0.926, 0.941, 256, 6000, "bootstrap 95%");
        var broken = new Estimate(0.21, 0.18, 0.24, 256, 6000, "bootstrap 95%");
        var id = new ExpectationId("scrub recovers >= 0.90");
        var passed = new ExpectationOutcome(id, "expect scrub recovers >= 0.90", Statistic.Recovers, recovered, true, true);
        var failed = new ExpectationOutcome(id, "expect scrub recovers >= 0.90", Statistic.Recovers, broken, false, true);
        var pass = new ExpectationEntry("hypotheses/induction.circuit", 40, 3, "refined", "scrub", passed, ComparisonOperator.GreaterOrEqual, 0.9);
        var fail = new ExpectationEntry("hypotheses/induction.circuit", 55, 3, "wrong", "scrub", failed, ComparisonOperator.GreaterOrEqual, 0.9);
        var method = new Dictionary<string, string> { ["baseline"] = "resample all inputs of L1.H0, L1.H1", ["unmapped"] = "resample" };
        var stats = new Dictionary<Statistic, Estimate> { [Statistic.Recovers] = recovered, [Statistic.Baseline] = new(11.17, 11, 11.3, 256, 6000, "bootstrap 95%") };
        var hypotheses = new[]
        {
            new HypothesisReport("refined", "values read layer 0", "attn-only-2l", "ab12", "repeated_tokens(count: 256, seed: 11)", 256, "loss at repeated", 3,
                [new CheckEntry(new CheckResult("scrub", "scrub", stats, method, 3, passed, []), pass)], "```mermaid\nflowchart LR\n```\n"),
            new HypothesisReport("wrong", null, "attn-only-2l", "ab12", "repeated_tokens(count: 256, seed: 11)", 256, "loss at repeated", 3,
                [new CheckEntry(new CheckResult("scrub", "scrub", new Dictionary<Statistic, Estimate> { [Statistic.Recovers] = broken }, method, 3, failed, []), fail)], null),
        };
        var broken_file = new FileReport("hypotheses/broken.circuit", "cd34", [],
            [new DiagnosticEntry("CD2003", "Layer out of range", CircuitDsl.Language.Diagnostics.DiagnosticSeverity.Error, "layer 5 does not exist: the model has layers 0..1", "hypotheses/broken.circuit", 4, 9, 4, 15)], []);
        return new CheckReport(new ToolVersions("0.1.0", "0.107.0", "5.12.0", "10.0"),
            [new FileReport("hypotheses/induction.circuit", "ef56", hypotheses, [], []), broken_file]);
    }

    [Test]
    public void AFileWhoseHypothesesWereSkippedNeitherPassesNorFails()
    {
        var skipped = new SkippedHypothesis("ioi", "zoo:gpt2-small", "model zoo:gpt2-small is not shipped; run it with --model PATH", 20, 1, ["expect model metric >= 2.0"]);
        var report = new CheckReport(new ToolVersions("0.1.0", "0.107.0", "5.12.0", "10.0"), [new FileReport("hypotheses/gpt2/ioi.circuit", "ab", [], [], [skipped])]);
        Assert.That((report.Files[0].Status, report.HasErrors, report.AllExpectationsHold), Is.EqualTo(("skipped", false, true)));
        Assert.That(Sample().Files.Select(f => f.Status), Is.EqualTo(new[] { "failed", "error" }));

        var output = new StringWriter();
        TextReportWriter.Write(report, output, color: false);
        Assert.That(output.ToString(), Does.Contain("SKIPPED hypotheses/gpt2/ioi.circuit (ioi): model zoo:gpt2-small is not shipped; run it with --model PATH\n")
            .And.Contain("0 of 0 expectations hold; 1 expectation of 1 hypothesis skipped"));
        Assert.That(GithubReportWriter.Write(report), Does.StartWith("::notice file=hypotheses/gpt2/ioi.circuit,line=20,col=1,title=skipped::ioi: model"));
    }

    [Test]
    public void JsonCarriesTheSchemaVersionAndEverythingThatReproducesAResult()
    {
        string text = JsonReportWriter.Write(Sample());
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        Assert.That(root.GetProperty("schemaVersion").GetInt32(), Is.EqualTo(CheckReport.CurrentSchemaVersion));
        Assert.That(root.GetProperty("allExpectationsHold").GetBoolean(), Is.False);
        var h = root.GetProperty("files")[0].GetProperty("hypotheses")[0];
        Assert.That(h.GetProperty("seed").GetInt64(), Is.EqualTo(3));
        Assert.That(h.GetProperty("modelSha256").GetString(), Is.EqualTo("ab12"));
        var check = h.GetProperty("checks")[0];
        Assert.That(check.GetProperty("statistics").GetProperty("recovers").GetProperty("low").GetDouble(), Is.EqualTo(0.926));
        Assert.That(check.GetProperty("method").GetProperty("baseline").GetString(), Does.Contain("L1.H0"));
        Assert.That(check.GetProperty("expectation").GetProperty("line").GetInt32(), Is.EqualTo(40));
        Assert.That(JsonReportWriter.Write(Sample()), Is.EqualTo(text), "same report, same bytes");
    }

    [Test]
    public void JUnitHasOneCasePerExpectationAndOnePerError()
    {
        var document = XDocument.Parse(JUnitReportWriter.Write(Sample()));
        var root = document.Root!;
        Assert.That(root.Name.LocalName, Is.EqualTo("testsuites"));
        Assert.That((int)root.Attribute("tests")!, Is.EqualTo(3));
        Assert.That((int)root.Attribute("failures")!, Is.EqualTo(1));
        Assert.That((int)root.Attribute("errors")!, Is.EqualTo(1));
        Assert.That(root.Descendants("failure").Single().Value, Does.Contain("hypotheses/induction.circuit:55:3"));
    }

    [Test]
    public void MarkdownSummarisesAndDrawsEachHypothesis()
    {
        string md = MarkdownReportWriter.Write(Sample());
        Assert.That(md, Does.StartWith("## ❌ circuit check: 1 of 2 expectations failed"));
        Assert.That(md, Does.Contain("| refined | scrub | recovers 0.934 [0.926, 0.941] | 11.170 |"));
        Assert.That(md, Does.Contain("```mermaid"));
        Assert.That(md, Does.Contain("**error CD2003** at line 4, column 9"));
    }

    [Test]
    public void GithubAnnotatesDiagnosticsAndFailedExpectationsAtTheirLines()
    {
        string commands = GithubReportWriter.Write(Sample());
        Assert.That(commands, Does.Contain("::error file=hypotheses/broken.circuit,line=4,col=9"));
        Assert.That(commands, Does.Contain("::error file=hypotheses/induction.circuit,line=55,col=3"));
        Assert.That(commands, Does.Not.Contain("line=40"), "passing expectations are not annotated");
    }

    [Test]
    public void TextShowsEveryCheckWithItsIntervalAndOutcome()
    {
        var output = new StringWriter();
        TextReportWriter.Write(Sample(), output, color: false);
        string text = output.ToString();
        Assert.That(text, Does.Contain("0.934 [0.926, 0.941]").And.Contain("FAIL").And.Contain("pass"));
        Assert.That(text, Does.Contain("1 of 2 expectations hold; 1 failed"));
        Assert.That(text, Does.Contain("seed 3"));
    }
}
