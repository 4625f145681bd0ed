using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Tests;

public class ZooDatasetsTests
{
    static readonly ZooDatasets Datasets = new(new IntegerTokenizer(64), contextLength: 48);

    [Test]
    public void RepeatedTokensAreTheTasksOwnSeededExamples()
    {
        var data = Datasets.Create("repeated_tokens", new Dictionary<string, object> { ["count"] = 6L, ["seed"] = 11L }, ".");
        var expected = RepeatedTokensData.Create(new RepeatedTokensTask(), 6, 11);
        Assert.That(data.Examples.Select(e => e.Tokens), Is.EqualTo(expected.Examples.Select(e => e.Tokens)));
        Assert.That(data.Examples[0].NamedPositions("repeated"), Is.EqualTo(expected.Examples[0].NamedPositions("repeated")));
    }

    [Test]
    public void AShorterLengthStillRepeats()
    {
        var data = Datasets.Create("repeated_tokens", new Dictionary<string, object> { ["count"] = 3L, ["seed"] = 1L, ["length"] = 12L }, ".");
        Assert.That(data.Length, Is.EqualTo(12));
        Assert.That(data.Examples.Select(e => e.NamedPositions("repeated")), Has.All.Not.Empty);
    }

    [TestCase("ioi", "no example generator yet")]
    [TestCase("parens", "no example generator yet")]
    [TestCase("sudoku", "unknown task 'sudoku'")]
    public void TasksThatCannotRunSaySo(string task, string message)
    {
        var error = Assert.Throws<NotSupportedException>(() => Datasets.Create(task, new Dictionary<string, object> { ["count"] = 4L, ["seed"] = 1L }, "."))!;
        Assert.That(error.Message, Does.Contain(message).And.Contain("repeated_tokens, jsonl"));
    }

    [Test]
    public void JsonlIsReadRelativeToTheBaseDirectoryAndPairedWithItsCounterfactuals()
    {
        string dir = Path.Combine(Path.GetTempPath(), "circuitdsl-jsonl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllLines(Path.Combine(dir, "p.jsonl"), ["{\"prompt\": [1, 2, 3], \"answer\": 4, \"positions\": {\"END\": -1}}", "{\"prompt\": [5, 6, 7], \"answer\": 8, \"positions\": {\"END\": -1}}"]);
            File.WriteAllLines(Path.Combine(dir, "c.jsonl"), ["{\"prompt\": [9, 9, 9]}", "{\"prompt\": [8, 8, 8]}"]);
            var data = Datasets.Create("jsonl", new Dictionary<string, object> { ["path"] = "p.jsonl", ["counterfactual"] = "c.jsonl", ["count"] = 1L }, dir);
            Assert.That(data.Count, Is.EqualTo(1));
            Assert.That(data.Examples[0].Counterfactual, Is.EqualTo(new[] { 9, 9, 9 }));
            Assert.That((data.Examples[0].Answer, data.Examples[0].NamedPositions("END")), Is.EqualTo(((int?)4, new[] { 2 })));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
