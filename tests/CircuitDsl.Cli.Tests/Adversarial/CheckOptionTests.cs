namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// Options that ask for the impossible are usage errors (exit 2) before any work starts, and options that would
/// make a run check nothing say so instead of passing.
/// </summary>
public class CheckOptionTests
{
    static (int Code, string Out, string Error) Check(Attempt attempt, params string[] options) =>
        attempt.Run(["check", "--no-progress", "good.circuit", .. options]);

    [TestCase("--samples", "-5")]
    [TestCase("--samples", "0")]
    [TestCase("--samples", "2000000000")]
    [TestCase("--samples", "many")]
    [TestCase("--threads", "100000")]
    [TestCase("--threads", "0")]
    [TestCase("--threads", "-3")]
    [TestCase("--seed", "99999999999999999999")]
    [TestCase("--seed", "1.5")]
    [TestCase("--format", "xml")]
    public void AnImpossibleValueIsAUsageError(string option, string value)
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, output, error) = Check(attempt, option, value);
        Assert.That(code, Is.EqualTo(ExitCodes.Error), output + error);
        Assert.That(error, Does.Contain(option).Or.Contain(value));
        attempt.AssertInputsUnchanged();
    }

    [TestCase("[]", "is an array, expected an object")]
    [TestCase("\"report\"", "is a string, expected an object")]
    [TestCase("{}", "schemaVersion is missing")]
    [TestCase("{\"schemaVersion\": \"1\"}", "schema version")]
    [TestCase("{\"schemaVersion\": 1, \"files\": {}}", "$.files is an object, expected an array")]
    [TestCase("{\"schemaVersion\": 1, \"files\": [{\"path\": 3}]}", "$.files[0].path is a number, expected a string")]
    [TestCase("{\"schemaVersion\": 1, \"files\": [{\"path\": \"a\", \"hypotheses\": \"none\"}]}", "$.files[0].hypotheses is a string")]
    [TestCase("{\"schemaVersion\": 1, \"files\": [{\"path\": \"a\", \"hypotheses\": [{\"name\": \"h\", \"checks\": [{\"name\": \"c\", \"statistics\": {\"effect\": {\"value\": \"big\"}}}]}]}]}", "value is a string, expected a number")]
    [TestCase("{\"schemaVersion\": 1, \"files\": [", "not JSON")]
    [TestCase("", "not JSON")]
    public void AStructurallyWrongBaselineIsAnInputErrorNamingThePlace(string baseline, string message)
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        attempt.File("baseline.json", baseline);
        var (code, _, error) = Check(attempt, "--baseline", "baseline.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Error), error);
        Assert.That(error, Does.Contain("baseline.json").And.Contain(message));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void AMissingBaselineIsAnInputError()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, _, error) = Check(attempt, "--baseline", "nothing.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("nothing.json").And.Contain("--update-baseline"));
    }

    [TestCase("--filter", "no-such-hypothesis")]
    [TestCase("--filter", "COPIES")]
    public void AFilterThatMatchesNothingIsAnErrorNotAPass(string option, string value)
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, _, error) = Check(attempt, option, value);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain(value).And.Contain("matches no hypothesis"));
    }

    [Test]
    public void UpdatingABaselineNeedsOne()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, _, error) = Check(attempt, "--update-baseline");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("--baseline"));
        attempt.AssertInputsUnchanged();
    }

    [Test]
    public void MoreFilesThanFormatsIsAUsageErrorBeforeRunning()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, output, error) = Check(attempt, "--format", "json", "--out", "a.json", "--out", "b.json");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(output, Is.Empty, "nothing ran");
        Assert.That(error, Does.Contain("pair each file with a format"));
        attempt.AssertInputsUnchanged();
    }

    [TestCase("empty")]
    [TestCase("notes")]
    public void FormattingAFolderWithoutCircuitFilesIsAnError(string folder)
    {
        using var attempt = new Attempt();
        attempt.File(Path.Combine(folder, "readme.txt"), "no circuits here");
        if (folder == "empty") File.Delete(attempt.FileName(Path.Combine(folder, "readme.txt")));
        var (code, _, error) = attempt.Run("fmt", "--check", folder);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("no .circuit files"));
    }

    [Test]
    public void CheckingAFolderWithoutCircuitFilesIsAnError()
    {
        using var attempt = new Attempt();
        attempt.File("notes/readme.txt", "no circuits here");
        var (code, _, error) = attempt.Run("check", "--no-progress", "notes");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("matches no .circuit file").Or.Contain("no .circuit files"));
    }

    [TestCase("train", "attn-only-2l", "--out", "good.circuit")]
    [TestCase("train", "attn-only-2l", "--out", "x", "--steps", "-1")]
    [TestCase("train", "attn-only-2l", "--out", "x", "--steps", "0")]
    [TestCase("train", "no-such-recipe", "--out", "x")]
    [TestCase("model", "info", "zoo:no-such-model")]
    [TestCase("model", "run", "zoo:attn-only-2l", "--tokens", "1 2 99999999999")]
    [TestCase("model", "run", "zoo:attn-only-2l", "--text", "words are not token ids")]
    [TestCase("model", "run", "zoo:attn-only-2l")]
    [TestCase("emit", "missing.circuit")]
    [TestCase("diff", "good.circuit", "missing.circuit")]
    [TestCase("show", "good.circuit", "--out", "good.circuit")]
    [TestCase("no-such-verb")]
    public void EveryVerbAnswersBadInputWithExitTwo(params string[] args)
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var (code, output, error) = attempt.Run(args);
        Assert.That(code, Is.EqualTo(ExitCodes.Error), output + error);
        attempt.AssertInputsUnchanged();
    }

    [TestCase("")]
    [TestCase("// only a comment\n")]
    [TestCase("let token = x.Tokens[x.Pos]\ngroup heads = L1.H0, L1.H1\n")]
    public void FilesWithoutHypothesesCheckNothingAndSaySo(string text)
    {
        using var attempt = new Attempt();
        attempt.File("library.circuit", text);
        var (code, _, error) = attempt.Run("check", "--no-progress", "library.circuit");
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Contain("declare no hypothesis"));
    }
}
