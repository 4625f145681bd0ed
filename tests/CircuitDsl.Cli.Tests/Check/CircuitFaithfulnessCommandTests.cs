using System.Text.Json;
using System.Xml.Linq;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// `expect circuit faithfulness` through `circuit check`: exit 0 when it holds, 1 when it fails, 2 with file:line:col
/// for what the edge graph cannot express; every report format carries it, and `circuit diff --run` shows it.
/// </summary>
public class CircuitFaithfulnessCommandTests
{
    const string Head = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 32, seed: 5)
        metric loss at repeated

        hypothesis induction_edges {
          node out = logits
            from induction
          node induction = L1.H0, L1.H1
            q from embed
            k from prev_head
            v from embed
          node prev_head = L0.H0
            from embed

        """;

    static string File(string expectation) => Head + "  " + expectation + "\n}\n";

    [Test]
    public void AHoldingClaimExitsZeroAndEveryFormatCarriesIt()
    {
        using var folder = new TempFolder();
        string file = folder.File("c.circuit", File("expect circuit faithfulness >= 0.5"));
        string json = folder.File("r.json"), md = folder.File("r.md"), junit = folder.File("r.xml"), sarif = folder.File("r.sarif");
        var (code, text, error) = CliRunner.Run("check", "--no-progress", "--no-cache", file, "--format", "json", "--out", json, "--format", "markdown", "--out", md,
            "--format", "junit", "--out", junit, "--format", "sarif", "--out", sarif, "--format", "text");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error + text);

        using var report = JsonDocument.Parse(System.IO.File.ReadAllText(json));
        Assert.That(JsonSchemaValidator.Validate(ReportSchemaTests.Schema, report.RootElement), Is.Empty);
        var check = report.RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks")[0];
        Assert.That(check.GetProperty("kind").GetString(), Is.EqualTo("circuit"));
        var statistics = check.GetProperty("statistics");
        Assert.That(statistics.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "faithfulness", "metric", "model", "baseline" }));
        var f = statistics.GetProperty("faithfulness");
        Assert.That(f.GetProperty("low").GetDouble(), Is.LessThan(f.GetProperty("high").GetDouble()));
        Assert.That(check.GetProperty("method").GetProperty("circuit").GetString(), Does.StartWith("11 of 42 edges; m(C) "));
        Assert.That(check.GetProperty("method").GetProperty("ablation").GetString(), Does.StartWith("counterfactual patching"));
        Assert.That(check.GetProperty("method").GetProperty("edges").GetString(), Does.StartWith("embed -> L0.H0.q, embed -> L0.H0.k"));
        Assert.That(check.GetProperty("expectation").GetProperty("statistic").GetString(), Is.EqualTo("faithfulness"));

        Assert.That(text, Does.Contain("faithfulness").And.Contain("expect circuit faithfulness >= 0.5"));
        Assert.That(System.IO.File.ReadAllText(md), Does.Contain("faithfulness ").And.Contain("(circuit): ablation: counterfactual patching"));
        Assert.That(XDocument.Load(junit).Descendants("failure"), Is.Empty);
        Assert.That(System.IO.File.ReadAllText(sarif), Does.Not.Contain("\"level\": \"error\""));
    }

    [Test]
    public void AFailingClaimExitsOneAndIsReportedWhereItIsWritten()
    {
        using var folder = new TempFolder();
        string file = folder.File("c.circuit", File("expect circuit faithfulness >= 0.99"));
        string junit = folder.File("r.xml"), sarif = folder.File("r.sarif");
        var (code, text, error) = CliRunner.Run("check", "--no-progress", "--no-cache", file, "--format", "junit", "--out", junit, "--format", "sarif", "--out", sarif, "--format", "text");
        Assert.That(code, Is.EqualTo(ExitCodes.Failed), error + text);

        var failure = XDocument.Load(junit).Descendants("failure").Single();
        Assert.That(failure.Value, Does.Contain("c.circuit:14:3: expect circuit faithfulness >= 0.99: measured ").And.Contain("(circuit; ablation: counterfactual"));
        Assert.That(System.IO.File.ReadAllText(sarif), Does.Contain("induction_edges: expect circuit faithfulness \\u003E= 0.99: FAIL: faithfulness = "));
    }

    [TestCase("    from induction at repeated\n", "CD2051", ":7:20:")]
    [TestCase("    from induction\n  ablation zero\n  metric accuracy at repeated\n", "CD2053", ":9:3:")]
    public void WhatTheEdgeGraphCannotSayExitsTwoAtItsPlace(string replacement, string code, string place)
    {
        using var folder = new TempFolder();
        string file = folder.File("c.circuit", File("expect circuit faithfulness >= 0.5").Replace("    from induction\n", replacement));
        var (exit, output, error) = CliRunner.Run("check", "--no-progress", "--no-cache", file);

        Assert.That(exit, Is.EqualTo(ExitCodes.Error), output + error);
        Assert.That(output + error, Does.Contain($"c.circuit{place} error {code}"));
        Assert.That(output + error, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void DiffRunShowsTheFaithfulnessOfBothVersions()
    {
        using var folder = new TempFolder();
        string before = folder.File("old.circuit", File("expect circuit faithfulness >= 0.5"));
        // Without the induction heads' value edges the circuit keeps less.
        string after = folder.File("new.circuit", File("expect circuit faithfulness >= 0.5").Replace("    v from embed\n", ""));
        var (code, output, error) = CliRunner.Run("diff", before, after, "--run");

        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        var measured = System.Text.RegularExpressions.Regex.Matches(output, @"faithfulness (-?\d\.\d+) \[");
        Assert.That(measured, Has.Count.EqualTo(2), output);
        Assert.That(double.Parse(measured[1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            Is.LessThan(double.Parse(measured[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), output);
    }
}
