using CircuitDsl.Cli.Models;
using CircuitDsl.Cli.Diff;
using CircuitDsl.Language.Diff;

namespace CircuitDsl.Cli.Tests.Diff;

/// <summary>The extension point for results next to the diff (a later --run): every expectation gets the extra columns, unchanged ones too.</summary>
public class ExpectationColumnTests
{
    [Test]
    public void ExtraColumnsShowForEveryExpectationOfAChangedHypothesis()
    {
        using var dir = new TempFolder();
        var inputs = DiffInputs.FromPaths(
            dir.File("old.circuit", DiffCommandTests.Induction),
            dir.File("new.circuit", DiffCommandTests.Induction.Replace(">= 0.3", ">= 0.4")),
            ModelMapping.None);
        var outcome = DiffRunner.Run(inputs);
        Assert.That(outcome.Errors, Is.Empty);
        ExpectationColumn[] columns =
        [
            new("before", (_, pair) => pair.Old is null ? null : $"old {pair.Old.Threshold}"),
            new("after", (h, pair) => pair.New is null ? null : $"{h.New!.Name} {pair.New.Subject}"),
        ];

        using var markdown = new StringWriter();
        DiffMarkdownRenderer.Write(markdown, outcome.Files, columns);
        Assert.That(markdown.ToString(), Does.Contain("| expectation | change | before | after |"));
        Assert.That(markdown.ToString(), Does.Contain("| `expect scrub recovers >= 0.4` | changed | old 0.3 | induction Scrub |"));
        Assert.That(markdown.ToString(), Does.Contain("| `expect path L0.H0 -> L1.H0.k -> logits effect <= -0.2` | unchanged | old -0.2 | induction Path |"));

        using var text = new StringWriter();
        DiffTextRenderer.Write(text, outcome.Files, columns);
        Assert.That(text.ToString(), Does.Contain("~ expect scrub recovers >= 0.4  |  before: old 0.3  |  after: induction Scrub"));
        Assert.That(outcome.Files.Single().Hypotheses.Single().Expectations.Select(e => e.Kind), Is.EqualTo(new[] { ChangeKind.Changed, ChangeKind.Unchanged }));
    }
}
