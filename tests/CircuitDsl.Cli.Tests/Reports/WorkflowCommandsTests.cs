using CircuitDsl.Cli.Reports;

namespace CircuitDsl.Cli.Tests.Reports;

public class WorkflowCommandsTests
{
    [Test]
    public void MessagesEscapePercentAndLineBreaks()
    {
        Assert.That(WorkflowCommands.EscapeData("100% sure\r\nnext: a, b"), Is.EqualTo("100%25 sure%0D%0Anext: a, b"));
    }

    [Test]
    public void PropertiesAlsoEscapeColonAndComma()
    {
        Assert.That(WorkflowCommands.EscapeProperty("C:\\a,b%\n"), Is.EqualTo("C%3A\\a%2Cb%25%0A"));
    }

    [Test]
    public void AnAnnotationHasEveryPropertyEscaped()
    {
        var annotation = new Annotation(AnnotationLevel.Warning, "line one\nline two", "dir/a,b.circuit", 3, 5, 3, 9, "CD2028: Method not stated");
        Assert.That(WorkflowCommands.Format(annotation),
            Is.EqualTo("::warning file=dir/a%2Cb.circuit,line=3,col=5,endLine=3,endColumn=9,title=CD2028%3A Method not stated::line one%0Aline two"));
        Assert.That(WorkflowCommands.Format(new Annotation(AnnotationLevel.Notice, "plain")), Is.EqualTo("::notice::plain"));
    }

    [Test]
    public void ARealDiagnosticPointsAtItsFileLineAndColumns()
    {
        using var repo = new TempFolder();
        var result = BrokenCircuit.Analyze(repo.Path, "broken.circuit");
        var annotation = WorkflowCommands.FromDiagnostic(result.Diagnostics.Single(), new DiagnosticLocator(repo.Path, result.Sources.SourceOf));
        Assert.That(WorkflowCommands.Format(annotation), Does.StartWith("::error file=broken.circuit,line=5,col=15,endLine=5,endColumn=19,title=CD2003%3A Layer out of range::Layer 'L5' does not exist"));
    }

    [Test]
    public void AtMostTenOfEachLevelMostSevereFirstThenWhatWasLeftOut()
    {
        var annotations = Enumerable.Range(1, 12).Select(i => new Annotation(AnnotationLevel.Notice, $"n{i}"))
            .Concat(Enumerable.Range(1, 11).Select(i => new Annotation(AnnotationLevel.Warning, $"w{i}")))
            .Concat(Enumerable.Range(1, 3).Select(i => new Annotation(AnnotationLevel.Error, $"e{i}")));
        using var output = new StringWriter();
        int omitted = WorkflowCommands.Write(output, annotations);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(omitted, Is.EqualTo(3));
        Assert.That(lines.Count(l => l.StartsWith("::error::", StringComparison.Ordinal)), Is.EqualTo(3));
        Assert.That(lines.Count(l => l.StartsWith("::warning::", StringComparison.Ordinal)), Is.EqualTo(10));
        Assert.That(lines.Count(l => l.StartsWith("::notice::", StringComparison.Ordinal)), Is.EqualTo(10));
        Assert.That(lines[0], Is.EqualTo("::error::e1"));
        Assert.That(lines[3], Is.EqualTo("::warning::w1"));
        Assert.That(lines[13], Is.EqualTo("::notice::n1"));
        Assert.That(lines[^1], Does.StartWith("1 more warning, 2 more notices not shown").And.Not.StartWith("::"));
    }

    [Test]
    public void NothingIsSaidWhenNothingWasLeftOut()
    {
        using var output = new StringWriter();
        Assert.That(WorkflowCommands.Write(output, [new Annotation(AnnotationLevel.Error, "e")]), Is.Zero);
        Assert.That(output.ToString().TrimEnd(), Is.EqualTo("::error::e"));
    }
}
