using System.Text.RegularExpressions;

namespace CircuitDsl.Cli.Tests.Diff;

/// <summary>The Markdown diff is well-formed GitHub Markdown: tables with one cell per column, code spans that close, no stray line breaks.</summary>
public partial class DiffMarkdownTests
{
    [Test]
    public void TheMarkdownDiffIsWellFormed()
    {
        using var dir = new TempFolder();
        string old = dir.File("old.circuit", DiffCommandTests.Induction);
        string changed = DiffCommandTests.Induction
            .Replace(">= 0.3", ">= 0.35")
            .Replace("x.Tokens[x.Pos - 1]", "x.Tokens[x.Pos - 1] | 0")        // a pipe inside a code span
            .Replace("\"previous-token", "\"*previous*-token <b>|</b>")         // markup in a description
            .Replace("hypothesis induction ", "hypothesis renamed ");
        string @new = dir.File("new.circuit", changed + "hypothesis second {\n  expect model metric <= 2.5\n}\n");

        var (code, markdown, error) = CliRunner.Run("diff", old, @new, "--format", "markdown");
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(markdown, Does.StartWith("## Hypothesis changes\n"));
        Assert.That(markdown, Does.Contain("**added** `renamed`: \\*previous\\*-token \\<b\\>\\|\\</b\\>"));
        Assert.That(markdown, Does.Contain("**removed** `induction`"));
        Assert.That(markdown, Does.Contain("| variable prev\\_token | `x.Tokens[x.Pos - 1] \\| 0` |"));
        AssertTablesAreWellFormed(markdown);
        Assert.That(Regex.Matches(markdown, "<details>").Count, Is.EqualTo(Regex.Matches(markdown, "</details>").Count));
    }

    [Test]
    public void NoChangesIsOneSentence()
    {
        using var dir = new TempFolder();
        var (_, markdown, _) = CliRunner.Run("diff", dir.File("a.circuit", DiffCommandTests.Induction), dir.File("b.circuit", DiffCommandTests.Induction), "--format", "markdown");
        Assert.That(markdown.ReplaceLineEndings("\n"), Is.EqualTo("## Hypothesis changes\n\nNo hypothesis changes in 1 file.\n"));
    }

    static void AssertTablesAreWellFormed(string markdown)
    {
        var lines = markdown.Split('\n');
        int tables = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|') || (i > 0 && lines[i - 1].StartsWith('|')))
            {
                continue;
            }

            tables++;
            Assert.That(lines[i - 1], Is.Empty, $"line {i + 1}: a table needs a blank line before it");
            int columns = Cells(lines[i]);
            Assert.That(lines[i + 1], Does.Match(@"^\|( --- \|)+$"), $"line {i + 2}: the delimiter row");
            for (int j = i + 1; j < lines.Length && lines[j].StartsWith('|'); j++)
            {
                Assert.That(lines[j], Does.EndWith("|"));
                Assert.That(Cells(lines[j]), Is.EqualTo(columns), $"line {j + 1} has another number of cells: {lines[j]}");
                Assert.That(Regex.Replace(lines[j], @"\\`", string.Empty).Count(c => c == '`') % 2, Is.Zero, $"line {j + 1}: a code span does not close");
            }
        }

        Assert.That(tables, Is.GreaterThan(0));
    }

    // Cells between unescaped pipes.
    static int Cells(string row) => UnescapedPipe().Matches(row).Count - 1;

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex UnescapedPipe();
}
