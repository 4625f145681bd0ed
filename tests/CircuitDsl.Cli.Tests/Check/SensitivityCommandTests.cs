using System.Text.Json;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// `circuit check --sensitivity` on the shipped zoo:attn-only-2l, with claims whose answer is known by construction:
/// every example has the same positions, so x_new, the pool's mean and a resampled example all send the clean
/// position embedding (a path from pos_embed has effect exactly 0), while zero takes it away. A claim of no effect from
/// pos_embed therefore holds under counterfactual patching and flips under zero ablation; the previous-token head's
/// path into the second induction head's keys holds under every choice.
/// </summary>
public class SensitivityCommandTests
{
    const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 24, seed: 3{0})\nmetric loss at repeated\n\n";

    const string Claims = """
        hypothesis paths {
          expect path pos_embed -> L1.H0.k effect >= -0.005
          expect path L0.H0 -> L1.H1.k effect <= -0.005
          expect model metric <= 0.5
        }

        """;

    TempFolder folder = null!;
    int code;
    string json = "", again = "", text = "", markdown = "", againMarkdown = "", error = "";

    static string File(string counterfactual = "", string claims = Claims) => string.Format(Header, counterfactual) + claims;

    [OneTimeSetUp]
    public void RunTwice()
    {
        folder = new TempFolder();
        string file = folder.File("paths.circuit", File());
        (code, json, text, markdown, error) = Check(file);
        (_, again, _, againMarkdown, _) = Check(file);
    }

    [OneTimeTearDown]
    public void Remove() => folder.Dispose();

    (int Code, string Json, string Text, string Markdown, string Error) Check(string file, params string[] extra)
    {
        string j = folder.File("r.json"), t = folder.File("r.txt"), m = folder.File("r.md");
        var (exit, output, err) = CliRunner.Run(["check", "--no-progress", file, "--sensitivity", "--format", "json", "--out", j,
            "--format", "text", "--out", t, "--format", "markdown", "--out", m, .. extra]);
        return (exit, System.IO.File.Exists(j) ? System.IO.File.ReadAllText(j) : "", System.IO.File.Exists(t) ? System.IO.File.ReadAllText(t) : "",
            System.IO.File.Exists(m) ? System.IO.File.ReadAllText(m) : "", output + err);
    }

    static JsonElement Hypothesis(string json) => JsonDocument.Parse(json).RootElement.GetProperty("files")[0].GetProperty("hypotheses")[0];

    static JsonElement Claim(string json, int line) =>
        Hypothesis(json).GetProperty("sensitivity").GetProperty("claims").EnumerateArray().Single(c => c.GetProperty("line").GetInt32() == line);

    static JsonElement Choice(JsonElement claim, string name) => claim.GetProperty("choices").EnumerateArray().Single(c => c.GetProperty("choice").GetString() == name);

    static JsonElement Option(JsonElement choice, string name) => choice.GetProperty("options").EnumerateArray().Single(o => o.GetProperty("option").GetString() == name);

    [Test]
    public void TheOrdinaryVerdictsDecideTheExitCodeEvenWhenAClaimFlips()
    {
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(Hypothesis(json).GetProperty("sensitivity").GetProperty("marked").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public void AClaimThatHoldsUnderCounterfactualPatchingFlipsUnderZeroAndIsMarked()
    {
        var claim = Claim(json, 6);
        var ablation = Choice(claim, "ablation");
        Assert.That(Option(ablation, "x_new").GetProperty("asRun").GetBoolean(), Is.True);
        foreach (string same in new[] { "x_new", "resample", "mean" })
        {
            Assert.That(Option(ablation, same).GetProperty("value").GetProperty("value").GetDouble(), Is.EqualTo(0), same + ": the clean position embedding, exactly");
            Assert.That(Option(ablation, same).GetProperty("passed").GetBoolean(), Is.True, same);
        }
        Assert.That(Option(ablation, "zero").GetProperty("value").GetProperty("value").GetDouble(), Is.LessThan(-0.005));
        Assert.That(Option(ablation, "zero").GetProperty("passed").GetBoolean(), Is.False);
        Assert.That(ablation.GetProperty("justified").GetBoolean(), Is.False, "the data statement leaves the counterfactual to the task");
        Assert.That(ablation.GetProperty("flips").GetBoolean(), Is.True);
        Assert.That(claim.GetProperty("marks").EnumerateArray().Select(m => m.GetString()),
            Is.EqualTo(new[] { "verdict flips with ablation (the file does not state its counterfactual)" }));
    }

    [Test]
    public void AClaimStableUnderEveryChoiceIsNotMarked()
    {
        var claim = Claim(json, 7);
        Assert.That(claim.GetProperty("choices").EnumerateArray().Select(c => c.GetProperty("choice").GetString()), Is.EqualTo(new[] { "ablation", "metric positions" }));
        foreach (var choice in claim.GetProperty("choices").EnumerateArray())
        {
            Assert.That(choice.GetProperty("flips").GetBoolean(), Is.False);
            Assert.That(choice.GetProperty("options").EnumerateArray().All(o => o.GetProperty("passed").GetBoolean()), Is.True);
        }
        Assert.That(claim.GetProperty("marks").GetArrayLength(), Is.Zero);
    }

    [Test]
    public void TheModelsOwnMetricHasNoChoiceToVary()
    {
        var claim = Claim(json, 8);
        Assert.That(claim.GetProperty("kind").GetString(), Is.EqualTo("model"));
        Assert.That(claim.GetProperty("choices").GetArrayLength(), Is.Zero);
        Assert.That(claim.GetProperty("notApplicable").GetString(), Does.StartWith("the unmodified model"));
    }

    [Test]
    public void TheJsonReportFollowsTheSchemaAndSaysWhatItCost()
    {
        using var document = JsonDocument.Parse(json);
        Assert.That(JsonSchemaValidator.Validate(ReportSchemaTests.Schema, document.RootElement), Is.Empty);
        var s = Hypothesis(json).GetProperty("sensitivity");
        Assert.That(s.GetProperty("alternativeChecks").GetInt32(), Is.EqualTo(8), "two path claims: three other sources and the metric at all positions each");
        Assert.That(s.GetProperty("experimentRuns").GetInt32(), Is.EqualTo(2), "one with the file's metric, one with the metric at all positions");
        Assert.That(s.GetProperty("forwardPasses").GetInt32(), Is.GreaterThan(0));
    }

    [Test]
    public void ReportsAreByteIdenticalAcrossRuns()
    {
        Assert.That(again, Is.EqualTo(json));
        Assert.That(againMarkdown, Is.EqualTo(markdown));
    }

    [Test]
    public void TextAndMarkdownShowTheMatrixTheMarkAndTheCost()
    {
        Assert.That(text, Does.Contain("sensitivity: paths").And.Contain("verdict flips with ablation (the file does not state its counterfactual)")
            .And.Contain("x_new* -0.000 pass").And.Contain("zero -0.0").And.Contain("8 alternative checks in 2 extra experiment runs"));
        Assert.That(markdown, Does.Contain("#### Sensitivity: paths").And.Contain("⚠️ verdict flips with ablation").And.Contain("1 of 3 claims flip"));
    }

    [Test]
    public void TheOrdinaryResultsAreThoseOfARunWithoutSensitivityWhichReusesWhatItRecorded()
    {
        string plain = folder.File("plain.json");
        var (exit, output, err) = CliRunner.Run("check", "--no-progress", folder.File("paths.circuit"), "--format", "json", "--out", plain);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + err);
        var hypothesis = Hypothesis(System.IO.File.ReadAllText(plain));
        Assert.That(hypothesis.GetProperty("reused").GetBoolean(), Is.True, "--sensitivity records the ordinary result");
        Assert.That(hypothesis.TryGetProperty("sensitivity", out _), Is.False);
        Assert.That(hypothesis.GetProperty("checks").GetRawText(), Is.EqualTo(Hypothesis(json).GetProperty("checks").GetRawText()));
    }

    [Test]
    public void SensitivityRunsAHypothesisWhoseResultIsRecorded()
    {
        using var other = new TempFolder();
        string file = other.File("recorded.circuit", File());
        CliRunner.Run("check", "--no-progress", file); // records the ordinary result
        string report = other.File("r.json");
        var (exit, output, err) = CliRunner.Run("check", "--no-progress", file, "--sensitivity", "--format", "json", "--out", report);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), output + err);
        var hypothesis = Hypothesis(System.IO.File.ReadAllText(report));
        Assert.That(hypothesis.GetProperty("reused").GetBoolean(), Is.False, "a recorded result has no matrix, and the alternatives need the model");
        Assert.That(hypothesis.GetProperty("sensitivity").GetProperty("claims").GetArrayLength(), Is.EqualTo(3));
    }

    [Test]
    public void AFlipUnderAStatedChoiceIsShownButNotMarked()
    {
        string file = folder.File("stated.circuit", File(", counterfactual: resample"));
        var (exit, stated, statedText, _, err) = Check(file);
        Assert.That(exit, Is.EqualTo(ExitCodes.Ok), err);
        var ablation = Choice(Claim(stated, 6), "ablation");
        Assert.That(ablation.GetProperty("justified").GetBoolean(), Is.True);
        Assert.That(ablation.GetProperty("justification").GetString(), Is.EqualTo("the data statement states counterfactual: resample (line 2)"));
        Assert.That(ablation.GetProperty("flips").GetBoolean(), Is.True);
        Assert.That(Claim(stated, 6).GetProperty("marks").GetArrayLength(), Is.Zero);
        Assert.That(statedText, Does.Contain("flips (stated)").And.Not.Contain("verdict flips with"));
    }

    [Test]
    public void AFailingClaimExitsOneWhateverItsAlternativesSay()
    {
        // As run, the embeddings' path into the values falls short (about -0.07); at all positions it reaches -0.11.
        string file = folder.File("failing.circuit", File(claims: "hypothesis values {\n  expect path embed -> L1.H0.v effect <= -0.1\n}\n"));
        var (exit, failing, _, _, err) = Check(file);
        Assert.That(exit, Is.EqualTo(ExitCodes.Failed), err);
        var metric = Choice(Claim(failing, 6), "metric positions");
        Assert.That(Option(metric, "all positions").GetProperty("passed").GetBoolean(), Is.True);
        Assert.That(metric.GetProperty("justified").GetBoolean(), Is.True, "a written `at` is a stated choice");
    }

    [Test]
    public void AnInputErrorExitsTwo()
    {
        string file = folder.File("broken.circuit", File(claims: "hypothesis h {\n  expect path L5.H0 -> logits effect <= -0.5\n}\n"));
        var (exit, _, _, _, err) = Check(file);
        Assert.That(exit, Is.EqualTo(ExitCodes.Error));
        Assert.That(err, Does.Match(@"broken\.circuit:6:\d+: error CD2003"));
    }
}
