using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Tests;

public class ZooDatasetsTests
{
    static readonly ZooDatasets Datasets = new(new IntegerTokenizer(64), contextLength: 48);

    [Test]
    public void RepeatedTokensAreTheTasksOwnSeededExamples()
    {
        var data = Datasets.Create(new TaskRequest("repeated_tokens").WithInteger("count", 6).WithInteger("seed", 11), ".");
        var expected = RepeatedTokensData.Create(new RepeatedTokensTask(), 6, 11);
        Assert.That(data.Examples.Select(e => e.Tokens), Is.EqualTo(expected.Examples.Select(e => e.Tokens)));
        Assert.That(data.Examples[0].NamedPositions("repeated"), Is.EqualTo(expected.Examples[0].NamedPositions("repeated")));
    }

    [Test]
    public void AShorterLengthStillRepeats()
    {
        var data = Datasets.Create(new TaskRequest("repeated_tokens").WithInteger("count", 3).WithInteger("seed", 1).WithInteger("length", 12), ".");
        Assert.That(data.Length, Is.EqualTo(12));
        Assert.That(data.Examples.Select(e => e.NamedPositions("repeated")), Has.All.Not.Empty);
    }

    [Test]
    public void UnknownTasksSaySo()
    {
        var error = Assert.Throws<NotSupportedException>(() => Datasets.Create(new TaskRequest("sudoku").WithInteger("count", 4).WithInteger("seed", 1), "."))!;
        Assert.That(error.Message, Does.Contain("unknown task 'sudoku'").And.Contain("repeated_tokens, ioi, parens, jsonl"));
    }

    [Test]
    public void IoiIsTheTasksOwnSeededExamplesWithAbcCounterfactualsByDefault()
    {
        var data = Datasets.Create(new TaskRequest("ioi").WithInteger("count", 8).WithInteger("seed", 5).WithChoice("templates", "abba"), ".");
        var expected = IoiData.Create(new IoiTask("abba"), 8, 5, IoiCounterfactual.Abc);
        Assert.That(data.Examples.Select(e => e.Tokens), Is.EqualTo(expected.Examples.Select(e => e.Tokens)));
        Assert.That(data.Examples.Select(e => e.Counterfactual), Is.EqualTo(expected.Examples.Select(e => e.Counterfactual)));
        var resampled = Datasets.Create(new TaskRequest("ioi").WithInteger("count", 8).WithInteger("seed", 5).WithChoice("counterfactual", "resample"), ".");
        Assert.That(resampled.HasCounterfactuals, Is.False);
    }

    [Test]
    public void ParensDefaultsToFortyParenthesesWhenTheContextHoldsThem()
    {
        var data = Datasets.Create(new TaskRequest("parens").WithInteger("count", 4).WithInteger("seed", 1), ".");
        Assert.That(data.Length, Is.EqualTo(42));
        var shorter = Datasets.Create(new TaskRequest("parens").WithInteger("count", 4).WithInteger("seed", 1).WithInteger("length", 10), ".");
        Assert.That(shorter.Length, Is.EqualTo(12));
    }

    [TestCase("ioi")]
    [TestCase("parens")]
    public void AVocabularyTooSmallForTheTaskSaysSo(string task)
    {
        var tiny = new ZooDatasets(new IntegerTokenizer(5), contextLength: 48);
        var error = Assert.Throws<ArgumentException>(() => tiny.Create(new TaskRequest(task).WithInteger("count", 4).WithInteger("seed", 1), "."))!;
        Assert.That(error.Message, Does.Contain($"task '{task}' needs a vocabulary of at least").And.Contain("the model has 5"));
    }

    [Test]
    public void ATextTokenizerCannotReadParensOwnVocabulary()
    {
        // ioi's words are GPT-2 tokens too (IoiGpt2Tests); parens' "(" and ")" ids mean nothing to GPT-2.
        var gpt2 = new ZooDatasets(Gpt2Tokenizer.Instance, contextLength: 1024);
        var error = Assert.Throws<NotSupportedException>(() => gpt2.Create(new TaskRequest("parens").WithInteger("count", 4).WithInteger("seed", 1), "."))!;
        Assert.That(error.Message, Does.Contain("'gpt2'").And.Contain("jsonl"));
    }

    [Test]
    public void APromptLongerThanTheContextSaysSo()
    {
        var shortContext = new ZooDatasets(new IntegerTokenizer(64), contextLength: 10);
        var error = Assert.Throws<ArgumentException>(() => shortContext.Create(new TaskRequest("ioi").WithInteger("count", 4).WithInteger("seed", 1), "."))!;
        Assert.That(error.Message, Does.Contain("longer than the model's context of 10"));
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
            var data = Datasets.Create(new TaskRequest("jsonl").WithFilePath("path", "p.jsonl").WithFilePath("counterfactual", "c.jsonl").WithInteger("count", 1), dir);
            Assert.That(data.Count, Is.EqualTo(1));
            Assert.That(data.Examples[0].Counterfactual, Is.EqualTo(new[] { 9, 9, 9 }));
            Assert.That((data.Examples[0].Answer, data.Examples[0].NamedPositions("END")), Is.EqualTo(((int?)4, new[] { 2 })));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void LinesWithTheirOwnCounterfactualsAndACounterfactualFileAreRefused()
    {
        string dir = Path.Combine(Path.GetTempPath(), "circuitdsl-jsonl-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.WriteAllLines(Path.Combine(dir, "p.jsonl"), ["{\"prompt\": [1, 2, 3], \"counterfactual\": [3, 2, 1]}"]);
            File.WriteAllLines(Path.Combine(dir, "c.jsonl"), ["{\"prompt\": [9, 9, 9]}"]);
            var error = Assert.Throws<ArgumentException>(() =>
                Datasets.Create(new TaskRequest("jsonl").WithFilePath("path", "p.jsonl").WithFilePath("counterfactual", "c.jsonl"), dir))!;
            Assert.That(error.Message, Does.Contain("its own 'counterfactual', and a counterfactual file is named too"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestCase("repeated_tokens", 1_000_001L, "between 1 and 1,000,000")]
    [TestCase("repeated_tokens", 0L, "between 1 and 1,000,000")]
    [TestCase("ioi", 1_000_001L, "between 1 and 1,000,000")]
    [TestCase("repeated_tokens", 100_000L, "100,000 examples × 1024 tokens exceed the limit of 50,000,000 tokens")]
    public void ACountBeyondTheDatasetLimitsIsRefusedBeforeGenerating(string task, long count, string expected)
    {
        // The binder refuses such a count in a file; this is the count that `check --samples` passes.
        var longContext = new ZooDatasets(new IntegerTokenizer(64), contextLength: 1024);
        var error = Assert.Throws<ArgumentException>(() => longContext.Create(new TaskRequest(task).WithInteger("count", count).WithInteger("seed", 1), "."))!;
        Assert.That(error.Message, Does.Contain(expected));
    }
}
