namespace CircuitDsl.Cli.Tests.Check;

/// <summary>The README's main command: every file in hypotheses/ compiles, runs on the shipped model, and holds.</summary>
public class ShippedHypothesesTests
{
    [Test]
    public void EveryShippedHypothesisHolds()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "CircuitDsl.sln"))) dir = Path.GetDirectoryName(dir)!;
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CircuitApp.Run(["check", "--no-progress", Path.Combine(dir, "hypotheses")], stdout, stderr);
        Assert.That(code, Is.EqualTo(ExitCodes.Ok), stdout + "\n" + stderr);
        Assert.That(stdout.ToString(), Does.Contain("wrong_key_head").And.Contain("refined").And.Contain("senders_to_keys"));
        Assert.That(stdout.ToString(), Does.Not.Contain("FAIL"));
    }
}
