using System.Diagnostics;

namespace CircuitDsl.Cli.Tests.Diff;

/// <summary>`circuit diff --git BASE [PATHS]` against a repository made in the test.</summary>
public class DiffGitTests
{
    const string Induction = DiffCommandTests.Induction;
    TempFolder repo = null!;

    [SetUp]
    public void CreateRepository()
    {
        repo = new TempFolder();
        Git("init", "--quiet");
        repo.File("hypotheses/induction.circuit", Induction);
        repo.File("hypotheses/gone.circuit", Induction.Replace("hypothesis induction ", "hypothesis gone "));
        repo.File("hypotheses/same.circuit", Induction);
        repo.File("README.md", "not a circuit");
        Commit("v1");
    }

    [TearDown]
    public void RemoveRepository() => repo.Dispose();

    [Test]
    public void ChangedAddedAndRemovedFilesAreReportedAgainstTheBase()
    {
        repo.File("hypotheses/induction.circuit", Induction.Replace(">= 0.3", ">= 0.5"));
        repo.File("hypotheses/new.circuit", Induction.Replace("hypothesis induction ", "hypothesis fresh "));
        Git("add", "hypotheses/new.circuit");
        File.Delete(repo.File("hypotheses/gone.circuit"));

        var (code, output, error) = CliRunner.Run("diff", "--git", "HEAD", repo.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("~ hypotheses/induction.circuit\n").And.Contain("now  expect scrub recovers >= 0.5"));
        Assert.That(output, Does.Contain("+ hypotheses/new.circuit (added)").And.Contain("+ hypothesis fresh"));
        Assert.That(output, Does.Contain("- hypotheses/gone.circuit (removed)").And.Contain("- hypothesis gone"));
        Assert.That(output, Does.Not.Contain("same.circuit"), "unchanged files are only counted");
        Assert.That(output, Does.Contain("1 hypothesis changed, 1 added, 1 removed in 3 files (1 file unchanged)."));
    }

    [Test]
    public void PathsLimitTheDiffAndAnOlderCommitCanBeTheBase()
    {
        repo.File("hypotheses/same.circuit", Induction.Replace("seed: 7", "seed: 8"));
        Commit("v2");
        repo.File("hypotheses/induction.circuit", Induction.Replace(">= 0.3", ">= 0.5"));

        var (code, output, error) = CliRunner.Run("diff", "--git", "HEAD~1", repo.File("hypotheses/same.circuit"));
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("~ data seed").And.Contain("was  7").And.Contain("now  8"));
        Assert.That(output, Does.Not.Contain("induction.circuit"));
    }

    [Test]
    public void ImportsOfTheOldVersionAreReadFromTheBase()
    {
        repo.File("hypotheses/shared.circuit", "let prev_token = x.Tokens[x.Pos - 1]\n");
        string importing = "import \"shared.circuit\"\n" + Induction.Replace("let prev_token = x.Tokens[x.Pos - 1]\n", string.Empty);
        repo.File("hypotheses/induction.circuit", importing);
        Commit("shared");
        repo.File("hypotheses/shared.circuit", "let prev_token = x.Tokens[x.Pos - 2]\n");

        var (code, output, error) = CliRunner.Run("diff", "--git", "HEAD", repo.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("~ variable prev_token").And.Contain("was  x.Tokens[x.Pos - 1]").And.Contain("now  x.Tokens[x.Pos - 2]"));
    }

    [Test]
    public void ABrokenBaseVersionIsNamedByRevisionAndExitsTwo()
    {
        repo.File("hypotheses/induction.circuit", Induction.Replace("node prev_head = L0.H0", "node prev_head = L9.H0"));
        Commit("broken");
        repo.File("hypotheses/induction.circuit", Induction);

        var (code, output, error) = CliRunner.Run("diff", "--git", "HEAD", repo.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.Match(@"^HEAD:hypotheses/induction\.circuit:15:\d+: error CD2003"));
        Assert.That(output, Does.Contain("No hypothesis changes in 2 files."), "the other files are still diffed");
    }

    [Test]
    public void AnUnknownRevisionIsAMessageAndExitsTwo()
    {
        var (code, _, error) = CliRunner.Run("diff", "--git", "no-such-branch", repo.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Error));
        Assert.That(error, Does.StartWith("error: --git: 'no-such-branch' is not a commit"));
    }

    [Test]
    public void TheMarkdownFormatWorksWithGit()
    {
        repo.File("hypotheses/induction.circuit", Induction.Replace(">= 0.3", ">= 0.5"));
        var (code, output, _) = CliRunner.Run("diff", "--git", "HEAD", repo.Path, "--format", "markdown");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("### `hypotheses/induction.circuit`").And.Contain("| changed | expectation | `expect scrub recovers >= 0.3` | `expect scrub recovers >= 0.5` |"));
    }

    void Commit(string message)
    {
        Git("add", "--all");
        Git("-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", "commit", "--quiet", "-m", message);
    }

    void Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = repo.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"git {string.Join(' ', arguments)}: {error}");
    }
}
