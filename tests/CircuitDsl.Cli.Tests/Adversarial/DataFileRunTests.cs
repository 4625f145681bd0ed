namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// A data file whose problems show only when it is read (a line that is not JSON, a token outside the vocabulary,
/// lines that mix counterfactuals) is the file's input error at its `data` statement, and the run goes on.
/// </summary>
public class DataFileRunTests
{
    [TestCase("{\"prompt\": [1, 2, 3, 4]}\n{\"prompt\": [1, 2,\n")]
    [TestCase("{\"prompt\": [1, 2, 3, 4]}\n{\"prompt\": [1, 2, 99999]}\n")]
    [TestCase("{\"prompt\": [1, 2, 3, 4], \"counterfactual\": [4, 3, 2, 1]}\n{\"prompt\": [1, 2, 3, 4]}\n")]
    [TestCase("{\"prompt\": []}\n")]
    [TestCase("[1, 2, 3]\n")]
    public void ABrokenDataFileIsAnErrorAtItsDataStatement(string lines)
    {
        using var attempt = new Attempt();
        attempt.File("prompts.jsonl", lines);
        attempt.File("data.circuit", "model zoo:attn-only-2l\n\ndata jsonl(\"prompts.jsonl\")\nmetric loss\n\nhypothesis h {\n  expect model metric <= 100\n}\n");
        attempt.File("good.circuit", Attempt.Holding);
        var (code, output, error) = attempt.Run("check", "--no-progress", ".");
        Assert.That(code, Is.EqualTo(ExitCodes.Error), output + error);
        Assert.That(error, Does.Match(@"data\.circuit:3:\d+: error CD\d{4}:"));
        Assert.That(output, Does.Contain("copies"), "the other file still ran");
        attempt.AssertInputsUnchanged();
    }
}
