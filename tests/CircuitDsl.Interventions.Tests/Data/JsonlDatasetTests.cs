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
            """{"prompt": [4, 3, 2, 1], "group": 2}""",
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
