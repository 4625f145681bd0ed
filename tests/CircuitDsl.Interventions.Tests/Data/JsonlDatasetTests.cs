using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Interventions.Tests.Data;

[TestFixture]
public class JsonlDatasetTests
{
    static readonly ITokenizer Tokenizer = new IntegerTokenizer(20);

    [Test]
    public void AValidFileLoadsEveryField()
    {
        var data = JsonlDataset.Parse([
            """{"prompt": "1 2 3 4", "counterfactual": [5, 6, 7, 8], "answer": "9", "wrong_answer": 10, "positions": {"END": -1, "S": [0, 2]}, "group": "t1"}""",
            "",
            """{"prompt": [4, 3, 2, 1], "counterfactual": "1 1 1 1", "group": 2}""",
        ], Tokenizer, "ioi.jsonl");
        Assert.That(data.Count, Is.EqualTo(2));
        var first = data.Examples[0];
        Assert.That(first.Tokens, Is.EqualTo(new[] { 1, 2, 3, 4 }));
        Assert.That(first.Counterfactual, Is.EqualTo(new[] { 5, 6, 7, 8 }));
        Assert.That((first.Answer, first.WrongAnswer, first.Group), Is.EqualTo((9, 10, "t1")));
        Assert.That(first.NamedPositions("END"), Is.EqualTo(new[] { 3 }));
        Assert.That(first.NamedPositions("S"), Is.EqualTo(new[] { 0, 2 }));
        Assert.That(data.Examples[1].Source, Is.EqualTo("line 3"));
        Assert.That(data.Examples[1].Group, Is.EqualTo("2"));
        Assert.That(data.HasCounterfactuals, Is.True);
    }

    [TestCase("""{"prompt": "1 2", "counterfactual": "3 4"}""", """{"prompt": "2 1"}""", "no 'counterfactual', but line 1 has one")]
    [TestCase("""{"prompt": "1 2"}""", """{"prompt": "2 1", "counterfactual": "3 4"}""", "a 'counterfactual', but line 1 has none")]
    public void CounterfactualsOnSomeLinesOnlyAreRefused(string first, string second, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => JsonlDataset.Parse([first, "", second], Tokenizer, "mixed.jsonl"))!;
        Assert.That(error.Errors.Single().Line, Is.EqualTo(3));
        Assert.That(error.Errors.Single().Message, Does.Contain(expected));
    }

    [Test]
    public void TooManyLinesAreRefusedBeforeAnyIsParsed()
    {
        // Each line would be an error ("missing 'prompt'") if it were parsed: the count comes first.
        var lines = Enumerable.Repeat("{}", ResourceLimits.MaxExamples + 1).ToArray();
        var error = Assert.Throws<DataFormatException>(() => JsonlDataset.Parse(lines, Tokenizer, "many.jsonl"))!;
        Assert.That(error.Errors.Single().Message, Does.Contain("1,000,001 examples, over the limit of 1,000,000 (ResourceLimits.MaxExamples)"));
    }

    [Test]
    public void TooManyTokensAreRefusedAtTheFirstPrompt()
    {
        // 50,001 lines × the first prompt's 1,000 tokens: over MaxDatasetTokens before the other lines are parsed.
        string longPrompt = $$"""{"prompt": [{{string.Join(", ", Enumerable.Repeat(1, 1000))}}]}""";
        var lines = new[] { longPrompt }.Concat(Enumerable.Repeat("{}", 50_000)).ToArray();
        var error = Assert.Throws<DataFormatException>(() => JsonlDataset.Parse(lines, Tokenizer, "long.jsonl"))!;
        Assert.That(error.Errors.Single().Message, Does.Contain("50,001 examples × 1000 tokens").And.Contain("ResourceLimits.MaxDatasetTokens"));
    }

    [Test]
    public void ADirectoryIsRefusedWithoutOpeningIt()
    {
        var error = Assert.Throws<IOException>(() => JsonlDataset.Load(Path.GetTempPath(), Tokenizer))!;
        Assert.That(error.Message, Does.Contain("it is a directory"));
    }

    [Test]
    public void ADeviceIsRefusedWithoutReadingIt()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("/dev/zero is a Linux device");
        var error = Assert.Throws<IOException>(() => JsonlDataset.Load("/dev/zero", Tokenizer))!;
        Assert.That(error.Message, Does.Contain("character device"));
    }

    [Test]
    public void AFifoIsRefusedWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("mkfifo is POSIX");
        string fifo = Path.Combine(Path.GetTempPath(), $"circuitdsl-{Guid.NewGuid():N}.jsonl");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();
        try
        {
            // Opening a FIFO for reading blocks until a writer comes: a load that opened it would never finish.
            var load = Task.Run(() => JsonlDataset.Load(fifo, Tokenizer));
            Assert.That(() => load.Wait(TimeSpan.FromSeconds(10)), Throws.InstanceOf<AggregateException>()
                .With.InnerException.InstanceOf<IOException>().And.InnerException.Message.Contains("FIFO"));
        }
        finally
        {
            File.Delete(fifo);
        }
    }

    [Test]
    public void AFileIsReadWithItsByteOrderMark()
    {
        string path = Path.Combine(Path.GetTempPath(), $"circuitdsl-{Guid.NewGuid():N}.jsonl");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("{\"prompt\": [1, 2]}\r\n{\"prompt\": [2, 1]}")]);
        try
        {
            Assert.That(JsonlDataset.Load(path, Tokenizer).Examples.Select(e => e.Tokens), Is.EqualTo(new[] { new[] { 1, 2 }, new[] { 2, 1 } }));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void EveryProblemIsReportedWithItsLine()
    {
        var error = Assert.Throws<DataFormatException>(() => JsonlDataset.Parse([
            """{"prompt": "1 2 3"}""",
            """{"prompt": "1 2"}""",
            """{"prompt": [1, 2, 99]}""",
            """not json""",
            """{"tokens": [1, 2, 3]}""",
            """{"prompt": "1 2 3", "counterfactual": "4 5", "answer": "1 2", "positions": {"END": 3}}""",
        ], Tokenizer, "bad.jsonl"));
        var lines = error!.Errors.Select(e => e.Line).ToArray();
        Assert.That(error.Message, Does.StartWith("bad.jsonl:"));
        Assert.That(error.Errors.Single(e => e.Line == 2).Message, Does.Contain("2 tokens but line 1 has 3"));
        Assert.That(error.Errors.Single(e => e.Line == 3).Message, Does.Contain("99 lies outside the vocabulary 0..19"));
        Assert.That(error.Errors.Single(e => e.Line == 4).Message, Does.Contain("not valid JSON"));
        Assert.That(error.Errors.Where(e => e.Line == 5).Select(e => e.Message), Has.Some.Contains("unknown field 'tokens'").And.Some.Contains("missing 'prompt'"));
        var six = error.Errors.Where(e => e.Line == 6).Select(e => e.Message).ToArray();
        Assert.That(six, Has.Some.Contains("counterfactual has 2 tokens").And.Some.Contains("exactly one token").And.Some.Contains("position 'END' = 3 lies outside"));
        Assert.That(lines, Does.Not.Contain(1));
    }

    [Test]
    public void AnUnknownPositionNameListsTheKnownOnes()
    {
        var data = JsonlDataset.Parse(["""{"prompt": "1 2", "positions": {"END": 1}}"""], Tokenizer);
        Assert.That(Assert.Throws<KeyNotFoundException>(() => data.Examples[0].NamedPositions("S2"))!.Message, Does.Contain("S2").And.Contain("END"));
    }
}
