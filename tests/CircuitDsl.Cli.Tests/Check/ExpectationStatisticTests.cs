using System.Text.Json;
using System.Text.Json.Nodes;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// Every kind of expectation the language has, compiled by Roslyn and run on zoo:attn-only-2l: each carries the
/// estimate of the statistic the engine judged it on (a knockout's recovers is the engine's fraction), with its real
/// interval, and a baseline compares that same statistic.
/// </summary>
public class ExpectationStatisticTests
{
    const string Header = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 32, seed: 3)
        metric accuracy at repeated

        ablation resample
        unmapped resample

        let token = x.Tokens[x.Pos]
        let prev_token = x.Tokens[x.Pos - 1]
        let next_token = x.Tokens[x.Pos + 1]

        hypothesis every_kind {
          baseline resample L1.H0, L1.H1

          node out = logits
            from induction
          node induction = L1.H0, L1.H1 computes next_token
            q from embed agreeing on token
            k from prev_head
            v from embed agreeing on token
          node prev_head = L0.H0 computes prev_token
            from embed agreeing on prev_token

        """;

    const string EveryKind = Header + """
          expect model metric <= 1
          expect scrub recovers >= 0.5
          expect scrub metric <= 10
          expect knockout recovers >= 0.1
          expect knockout metric <= 10
          expect path L1.H0 -> logits effect <= 0
          expect path L0.H0 -> L1.H0.k metric <= 10
        }

        """;

    [Test]
    public void EveryExpectationCarriesTheEstimateItWasJudgedOn()
    {
        using var folder = new TempFolder();
        string file = folder.File("kinds.circuit", EveryKind), json = folder.File("r.json"), md = folder.File("r.md");
        var (code, text, error) = CliRunner.Run("check", "--no-progress", file, "--format", "json", "--out", json, "--format", "markdown", "--out", md, "--format", "text");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error + text);

        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var checks = report.RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0].GetProperty("checks").EnumerateArray().ToList();
        Assert.That(checks.Select(c => c.GetProperty("kind").GetString()).Distinct(), Is.EquivalentTo(new[] { "model", "scrub", "ablation", "path" }));
        Assert.That(checks, Has.Count.EqualTo(7));
        var judged = new List<string>();
        foreach (var check in checks)
        {
            string statistic = check.GetProperty("expectation").GetProperty("statistic").GetString()!;
            Assert.That(check.GetProperty("statistics").TryGetProperty(statistic, out var estimate), $"{check.GetProperty("name")}: '{statistic}' is one of its statistics");
            double value = estimate.GetProperty("value").GetDouble(), low = estimate.GetProperty("low").GetDouble(), high = estimate.GetProperty("high").GetDouble();
            Assert.That(low, Is.LessThan(high), $"{check.GetProperty("name")}: a real interval, not [{value}, {value}]");
            Assert.That(value, Is.InRange(low, high));
            judged.Add($"{check.GetProperty("kind").GetString()} {statistic}");
        }
        Assert.That(judged, Does.Contain("ablation fraction"), "a knockout's recovers is the engine's fraction");
        // No headline in the human formats is a point dressed as an interval.
        Assert.That(text, Does.Not.Match(@"(-?\d\.\d{3}) \[\1, \1\]"));
        Assert.That(File.ReadAllText(md), Does.Not.Match(@"(-?\d\.\d{3}) \[\1, \1\]"));
    }

    [Test]
    public void ABaselineComparesAKnockoutsOwnStatistic()
    {
        using var folder = new TempFolder();
        string file = folder.File("knockout.circuit", Header + "  expect knockout recovers >= 0.1\n}\n"), baseline = folder.File("baseline.json");
        Assert.That(CliRunner.Run("check", "--no-progress", file, "--baseline", baseline, "--update-baseline").ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(CliRunner.Run("check", "--no-progress", file, "--baseline", baseline).ExitCode, Is.EqualTo(ExitCodes.Ok), "unchanged run: no regression");

        // Pretend the knockout kept far more before: the current fraction is a regression larger than its interval.
        var doctored = JsonNode.Parse(File.ReadAllText(baseline))!;
        var check = doctored["files"]![0]!["hypotheses"]![0]!["checks"]![0]!;
        Assert.That((string?)check["expectation"]!["statistic"], Is.EqualTo("fraction"));
        check["statistics"]!["fraction"]!["value"] = 1000.0;
        File.WriteAllText(baseline, doctored.ToJsonString());
        var (code, _, error) = CliRunner.Run("check", "--no-progress", file, "--baseline", baseline);
        Assert.That(code, Is.EqualTo(ExitCodes.Failed), error);
        Assert.That(error, Does.Contain("every_kind / knockout recovers >= 0.1: fraction moved from 1000.000 to"));
    }
}
