namespace CircuitDsl.Cli.Tests.Diff;

/// <summary>`circuit diff OLD NEW` on pairs of files: what changed in the claims, and the exit codes.</summary>
public class DiffCommandTests
{
    internal const string Induction = """
        model zoo:attn-only-2l
        data repeated_tokens(count: 64, seed: 7)
        metric loss at repeated
        ablation resample
        baseline resample L1.H0, L1.H1

        let token = x.Tokens[x.Pos]
        let prev_token = x.Tokens[x.Pos - 1]

        hypothesis induction "previous-token head feeds the induction heads' keys" {
          node out = logits
            from heads
          node heads = L1.H0, L1.H1 computes token
            k from prev_head
          node prev_head = L0.H0 computes prev_token
            from embed agreeing on prev_token
          expect scrub recovers >= 0.3
          expect path L0.H0 -> L1.H0.k -> logits effect <= -0.2
        }

        """;

    TempFolder dir = null!;

    [SetUp]
    public void CreateFolder() => dir = new TempFolder();

    [TearDown]
    public void RemoveFolder() => dir.Dispose();

    (int Code, string Out, string Error) Diff(string newText, params string[] options)
    {
        string old = dir.File("old.circuit", Induction);
        string @new = dir.File("new.circuit", newText);
        return CliRunner.Run(["diff", old, @new, .. options]);
    }

    [Test]
    public void AnAddedNodeIsListed()
    {
        var (code, output, error) = Diff(Induction.Replace("  expect scrub", "  node extra = L0.H1\n  expect scrub").Replace("    k from prev_head", "    k from prev_head\n    q from extra"));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("~ hypothesis induction").And.Contain("+ node extra: L0.H1").And.Contain("+ input heads.q: extra"));
        Assert.That(output, Does.Contain("1 hypothesis changed in 1 file."));
    }

    [Test]
    public void AChangedPathShowsTheOldAndTheNewPath()
    {
        var (code, output, _) = Diff(Induction.Replace("L0.H0 -> L1.H0.k", "L0.H0 -> L1.H1.k"));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("""
                    ~ expectation
                        was  expect path L0.H0 -> L1.H0.k -> logits effect <= -0.2
                        now  expect path L0.H0 -> L1.H1.k -> logits effect <= -0.2
            """.ReplaceLineEndings("\n")));
    }

    [Test]
    public void AChangedThresholdShowsBothValues()
    {
        var (_, output, _) = Diff(Induction.Replace(">= 0.3", ">= 0.45"));
        Assert.That(output, Does.Contain("was  expect scrub recovers >= 0.3").And.Contain("now  expect scrub recovers >= 0.45"));
    }

    [Test]
    public void AChangedVariableShowsBothExpressions()
    {
        var (_, output, _) = Diff(Induction.Replace("x.Tokens[x.Pos - 1]", "x.Tokens[x.Pos - 2]"));
        Assert.That(output, Does.Contain("~ variable prev_token").And.Contain("was  x.Tokens[x.Pos - 1]").And.Contain("now  x.Tokens[x.Pos - 2]"));
    }

    [Test]
    public void ARenamedHypothesisIsRemovedAndAdded()
    {
        var (_, output, _) = Diff(Induction.Replace("hypothesis induction ", "hypothesis induction_v2 "));
        Assert.That(output, Does.Contain("+ hypothesis induction_v2").And.Contain("- hypothesis induction "));
        Assert.That(output, Does.Contain("1 hypothesis added, 1 removed in 1 file."));
    }

    [Test]
    public void OnlyAReformattingIsNoChangeAndStillExitsZero()
    {
        var (code, output, _) = Diff(Induction.Replace("count: 64, seed: 7", "count:64,seed:7").Replace("\n\n", "\n"));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output.Trim(), Is.EqualTo("No hypothesis changes in 1 file."));
    }

    [Test]
    public void ABrokenVersionIsADiagnosticWithFileLineAndColumnAndExitsTwo()
    {
        var (code, _, error) = Diff(Induction.Replace("node prev_head = L0.H0", "node prev_head = L7.H0"));
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Match(@"new\.circuit:15:\d+: error CD2003"));
        Assert.That(error, Does.Not.Contain("   at "));
    }

    [Test]
    public void UsageErrorsExitTwo()
    {
        Assert.That(CliRunner.Run("diff", dir.File("only-one.circuit", Induction)).ExitCode, Is.EqualTo(ExitCodes.Error));
        var (code, _, error) = CliRunner.Run("diff", dir.File("a.circuit", Induction), dir.File("missing.circuit"));
        Assert.That((code, error), Is.EqualTo((ExitCodes.Error, $"error: '{dir.File("missing.circuit")}' does not exist\n")).Using<(int, string)>((a, b) => a.Item1 == b.Item1 && a.Item2.ReplaceLineEndings("\n") == b.Item2));
    }

    [Test]
    public void TwoFoldersPairFilesByPath()
    {
        dir.File("v1/a.circuit", Induction);
        dir.File("v1/gone.circuit", Induction);
        dir.File("v2/a.circuit", Induction.Replace(">= 0.3", ">= 0.4"));
        dir.File("v2/sub/new.circuit", Induction);
        var (code, output, error) = CliRunner.Run("diff", dir.File("v1"), dir.File("v2"));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("gone.circuit (removed)").And.Contain("new.circuit (added)").And.Contain("now  expect scrub recovers >= 0.4"));
        Assert.That(output, Does.Contain("1 hypothesis changed, 1 added, 1 removed in 3 files."));
    }

    [Test]
    public void OutWritesTheDiffToAFile()
    {
        string report = dir.File("reports/diff.md");
        var (code, output, _) = Diff(Induction.Replace(">= 0.3", ">= 0.4"), "--format", "markdown", "--out", report);
        Assert.That((code, output), Is.EqualTo((ExitCodes.Ok, string.Empty)));
        Assert.That(File.ReadAllText(report), Does.StartWith("## Hypothesis changes"));
    }
}
