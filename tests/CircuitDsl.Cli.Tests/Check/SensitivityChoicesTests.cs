using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// Which choices `check --sensitivity` varies for knockouts (on zoo:ioi-2l) and scrubs (on zoo:attn-only-2l), and
/// which of them the file justifies: a setting line states a choice, a default does not.
/// </summary>
public class SensitivityChoicesTests
{
    static JsonElement Claims(string source, out string error)
    {
        using var folder = new TempFolder();
        string file = folder.File("claims.circuit", source), report = folder.File("r.json");
        var (exit, output, err) = CliRunner.Run("check", "--no-progress", file, "--sensitivity", "--format", "json", "--out", report);
        error = output + err;
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok).Or.EqualTo(ExitCodes.Failed), error);
        return JsonDocument.Parse(File.ReadAllText(report)).RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0]
            .GetProperty("sensitivity").GetProperty("claims")[0].Clone();
    }

    static JsonElement Choice(JsonElement claim, string name) => claim.GetProperty("choices").EnumerateArray().Single(c => c.GetProperty("choice").GetString() == name);

    static string[] Options(JsonElement choice) =>
        [.. choice.GetProperty("options").EnumerateArray().Select(o => o.GetProperty("option").GetString() + (o.GetProperty("asRun").GetBoolean() ? "*" : ""))];

    [Test]
    public void AKnockoutVariesItsAblationAndItsGranularityBothDefaultedHere()
    {
        var claim = Claims("""
            model zoo:ioi-2l
            data ioi(count: 16, seed: 11, counterfactual: abc)
            metric logit_diff(IO, S) at END

            hypothesis writers {
              node out = logits at END
                from writers at END
              node writers = L0.H2, L1.H2, L1.mlp at END
              expect knockout recovers >= 0.1
            }

            """, out string error);
        Assert.That(claim.GetProperty("kind").GetString(), Is.EqualTo("knockout"), error);
        var ablation = Choice(claim, "ablation");
        Assert.That(Options(ablation), Is.EqualTo(new[] { "zero", "mean", "mean per template", "resample*" }), "the data have groups (templates), so a mean per group applies");
        Assert.That(ablation.GetProperty("justified").GetBoolean(), Is.False);
        var granularity = Choice(claim, "granularity");
        Assert.That(Options(granularity), Is.EqualTo(new[] { "component*", "position" }), "the nodes claim END only, so per position differs");
        Assert.That(granularity.GetProperty("justified").GetBoolean(), Is.False);
        Assert.That(Choice(claim, "metric positions").GetProperty("justified").GetBoolean(), Is.True);
    }

    [Test]
    public void AScrubVariesUnmappedAndGranularityNotItsAblation()
    {
        var claim = Claims("""
            model zoo:attn-only-2l
            data repeated_tokens(count: 16, seed: 11)
            metric loss at repeated
            unmapped resample

            let token = x.Tokens[x.Pos]
            let prev_token = x.Tokens[x.Pos - 1]
            let next_token = x.Tokens[x.Pos + 1]

            hypothesis naive {
              baseline resample L1.H0, L1.H1
              node out = logits
                from induction
              node induction = L1.H0, L1.H1 computes next_token
                q from embed agreeing on token
                k from prev_head
                v from embed agreeing on token
              node prev_head = L0.H0 computes prev_token
                from embed agreeing on prev_token
              expect scrub recovers >= 0.5
            }

            """, out string error);
        Assert.That(claim.GetProperty("kind").GetString(), Is.EqualTo("scrub"), error);
        Assert.That(claim.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("choice").GetString()),
            Is.EqualTo(new[] { "unmapped", "granularity", "metric positions" }));
        var unmapped = Choice(claim, "unmapped");
        Assert.That(Options(unmapped), Is.EqualTo(new[] { "resample*", "keep" }));
        Assert.That(unmapped.GetProperty("justification").GetString(), Is.EqualTo("stated at line 4"));
        var granularity = Choice(claim, "granularity");
        Assert.That(Options(granularity), Is.EqualTo(new[] { "component*", "position" }));
        Assert.That(granularity.GetProperty("justified").GetBoolean(), Is.False);
        Assert.That(unmapped.GetProperty("options")[1].GetProperty("value").GetProperty("value").GetDouble(), Is.Not.NaN);
    }

    [Test]
    public void AnAlternativeTheEngineRefusesIsReportedAsNotRunAndTheOthersStillRun()
    {
        // Per-position scrubbing splits a head's input into q, k and v, so a node mapping a head and an MLP that reads an
        // input whole is refused under it; as written (one source per node copy) it runs.
        var claim = Claims("""
            model zoo:ioi-2l
            data ioi(count: 16, seed: 11, counterfactual: abc)
            metric logit_diff(IO, S) at END

            hypothesis mixed {
              baseline resampled_input
              node out = logits
                from writers
              node writers = L1.H2, L1.mlp
                from early
              node early = L0.H2
              expect scrub recovers >= 0.0
            }

            """, out string error);
        var position = Choice(claim, "granularity").GetProperty("options")[1];
        Assert.That(position.GetProperty("option").GetString(), Is.EqualTo("position"), error);
        Assert.That(position.GetProperty("notRun").GetString(), Does.Contain("maps heads and other components"));
        Assert.That(position.TryGetProperty("value", out _), Is.False);
        Assert.That(Choice(claim, "unmapped").GetProperty("options")[1].GetProperty("passed").GetBoolean(), Is.True, "keep still ran");
        Assert.That(Choice(claim, "metric positions").GetProperty("options")[1].TryGetProperty("value", out _), Is.True, "the second run too");
    }

    const string InductionCircuit = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 16, seed: 11)
        metric loss at repeated
        ABLATION
        hypothesis naive {
          node out = logits
            from induction
          node induction = L1.H0, L1.H1
            q from embed
            k from prev_head
            v from embed
          node prev_head = L0.H0
            from embed
          expect circuit faithfulness >= 0.5
        }

        """;

    [Test]
    public void ACircuitVariesWhatItsAblatedEdgesCarryAndEachOptionIsTheFileWithThatAblation()
    {
        var claim = Claims(InductionCircuit.Replace("ABLATION", ""), out string error);
        Assert.That(claim.GetProperty("kind").GetString(), Is.EqualTo("circuit"), error);
        var ablation = Choice(claim, "ablation");
        Assert.That(Options(ablation), Is.EqualTo(new[] { "x_new*", "mean", "zero" }), "the default is counterfactual patching");
        Assert.That(ablation.GetProperty("justified").GetBoolean(), Is.False, "no ablation line");
        foreach (string kind in new[] { "mean", "zero" })
        {
            // The alternative measures what the file would with that ablation stated.
            using var folder = new TempFolder();
            string file = folder.File("stated.circuit", InductionCircuit.Replace("ABLATION", $"ablation {kind}")), report = folder.File("r.json");
            var (_, output, err) = CliRunner.Run("check", "--no-progress", file, "--format", "json", "--out", report);
            var stated = JsonDocument.Parse(File.ReadAllText(report)).RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0]
                .GetProperty("checks")[0].GetProperty("statistics").GetProperty("faithfulness").GetProperty("value").GetDouble();
            double alternative = ablation.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("option").GetString() == kind)
                .GetProperty("value").GetProperty("value").GetDouble();
            Assert.That(alternative, Is.EqualTo(stated).Within(1e-9), kind + ": " + output + err);
        }
        var stated2 = Claims(InductionCircuit.Replace("ABLATION", "ablation zero"), out error);
        Assert.That(Choice(stated2, "ablation").GetProperty("justified").GetBoolean(), Is.True, error);
        Assert.That(Options(Choice(stated2, "ablation")), Is.EqualTo(new[] { "x_new", "mean", "zero*" }), error);
    }
}
