using CircuitDsl.Cli.Init;

namespace CircuitDsl.Cli.Tests.Init;

/// <summary>
/// `circuit init` scaffolds a repository whose example passes `check` as written, runs twice without changing
/// anything, never overwrites a file, and refuses a DIR that is a file with exit 2.
/// </summary>
public class InitCommandTests
{
    [Test]
    public void AnInitialisedFolderPassesCheckAndFmt()
    {
        using var folder = new TempFolder();
        var (code, output, error) = CliRunner.Run("init", folder.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("created  hypotheses/induction.circuit").And.Contain("created  .github/workflows/circuits.yml").And.Contain("created  .gitattributes"));
        Assert.That(File.ReadAllText(folder.File(".gitattributes")), Is.EqualTo(InitTemplates.GitAttributesLine + "\n"));
        Assert.That(File.ReadAllText(folder.File(".github/workflows/circuits.yml")), Does.Contain("uses: " + InitTemplates.ActionReference));

        string hypotheses = folder.File("hypotheses");
        var fmt = CliRunner.Run("fmt", "--check", hypotheses);
        Assert.That(fmt.ExitCode, Is.EqualTo(ExitCodes.Ok), fmt.Out + fmt.Error);
        var check = CliRunner.Run("check", "--no-progress", hypotheses);
        Assert.That(check.ExitCode, Is.EqualTo(ExitCodes.Ok), check.Out + check.Error);
        Assert.That(check.Out, Does.Contain("1 of 1 expectations hold"));
    }

    [Test]
    public void ASecondInitCreatesNothingAndSaysWhatItSkipped()
    {
        using var folder = new TempFolder();
        Assert.That(CliRunner.Run("init", folder.Path).ExitCode, Is.EqualTo(ExitCodes.Ok));
        var before = Snapshot(folder.Path);

        var (code, output, error) = CliRunner.Run("init", folder.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(output, Does.Contain("skipped  hypotheses/induction.circuit (exists)"));
        Assert.That(output, Does.Contain("skipped  .github/workflows/circuits.yml (exists)"));
        Assert.That(output, Does.Contain("skipped  .gitattributes (already has a *.circuit line)"));
        Assert.That(output, Does.Not.Contain("created"));
        Assert.That(Snapshot(folder.Path), Is.EqualTo(before));
    }

    [Test]
    public void AnExistingFileIsNeverOverwritten()
    {
        using var folder = new TempFolder();
        string mine = folder.File("hypotheses/induction.circuit", "// my own claim\n");
        string workflow = folder.File(".github/workflows/circuits.yml", "name: mine\n");

        var (code, output, error) = CliRunner.Run("init", folder.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(File.ReadAllText(mine), Is.EqualTo("// my own claim\n"));
        Assert.That(File.ReadAllText(workflow), Is.EqualTo("name: mine\n"));
        Assert.That(output, Does.Contain("skipped  hypotheses/induction.circuit (exists)").And.Contain("created  .gitattributes"));
    }

    [Test]
    public void AGitattributesFileWithoutTheLineGetsItAppended()
    {
        using var folder = new TempFolder();
        string attributes = folder.File(".gitattributes", "*.png binary");

        var (code, output, _) = CliRunner.Run("init", folder.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("appended .gitattributes"));
        Assert.That(File.ReadAllText(attributes), Is.EqualTo("*.png binary\n" + InitTemplates.GitAttributesLine + "\n"));
    }

    [Test]
    public void AGitattributesRuleOfTheUsersOwnForCircuitFilesIsKept()
    {
        using var folder = new TempFolder();
        string attributes = folder.File(".gitattributes", "*.circuit  text eol=crlf\n");

        var (code, output, _) = CliRunner.Run("init", folder.Path);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("skipped  .gitattributes (already has a *.circuit line)"));
        Assert.That(File.ReadAllText(attributes), Is.EqualTo("*.circuit  text eol=crlf\n"));
    }

    [Test]
    public void ADirThatIsAFileIsAnInputError()
    {
        using var folder = new TempFolder();
        string file = folder.File("not-a-folder", "text\n");

        var result = CliRunner.Run("init", file);
        CleanOutput.Assert(result);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Error));
        Assert.That(result.Error.Trim(), Is.EqualTo($"error: '{file}' is a file; init scaffolds a folder"));
        Assert.That(File.ReadAllText(file), Is.EqualTo("text\n"));
    }

    [Test]
    public void AFileWhereAFolderMustBeIsAnInputErrorAndNothingIsWritten()
    {
        using var folder = new TempFolder();
        folder.File("hypotheses", "a file, not a folder\n");

        var result = CliRunner.Run("init", folder.Path);
        CleanOutput.Assert(result);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Error));
        Assert.That(result.Error, Does.Contain("hypotheses' is not a folder"));
        Assert.That(Directory.GetFileSystemEntries(folder.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "hypotheses" }), "nothing else was written");
    }

    [Test]
    public void AMissingDirIsCreated()
    {
        using var folder = new TempFolder();
        string target = folder.File("new/repository");

        Assert.That(CliRunner.Run("init", target).ExitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(File.Exists(Path.Combine(target, "hypotheses", "induction.circuit")));
    }

    static Dictionary<string, string> Snapshot(string root) =>
        Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllText);
}
