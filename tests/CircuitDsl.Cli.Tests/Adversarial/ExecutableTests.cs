using System.Diagnostics;

namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// The same rule seen from outside, through the `circuit` executable in its own process: what a CI job sees. A stack
/// overflow or an unhandled exception would show here as exit 134 or a trace, which no in-process test can observe.
/// </summary>
public class ExecutableTests
{
    static (int Code, string Out, string Error) Circuit(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "circuit.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the command did not end within two minutes");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    [Test]
    public void ExpressionsDeepEnoughToOverflowAStackAreAnInputError()
    {
        using var attempt = new Attempt();
        // One file each: the front end catches brackets, the compiler operator chains and call chains.
        string[] expressions =
        [
            new string('(', 100_000) + "x.Pos" + new string(')', 100_000),
            "x.Pos" + string.Concat(Enumerable.Repeat(" + 1", 300)),
            "x.Tokens" + string.Concat(Enumerable.Repeat(".Select(t => t)", 100)) + ".Sum()",
            "x.Pos" + string.Concat(Enumerable.Repeat(" - 1", 100_000)),
        ];
        for (int i = 0; i < expressions.Length; i++)
            attempt.File($"deep{i}.circuit", Attempt.Header + $"let v = {expressions[i]}\nhypothesis h {{\n  expect model metric <= 0.5\n}}\n");
        var result = Circuit(attempt.Path, "check", "--no-progress", ".");
        Attempt.AssertClean(result);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Error), result.Error);
        for (int i = 0; i < expressions.Length; i++)
            Assert.That(result.Error, Does.Match($@"deep{i}\.circuit:5:\d+: error CD300[89]:"), result.Error);
    }

    [Test]
    public void AThrowingVariableAndAHoldingFileGiveExitTwoAndBothResults()
    {
        using var attempt = new Attempt();
        attempt.File("bad.circuit", Attempt.Header + "let token = x.Tokens[x.Pos]\nlet bad = x.Group.Length\n\n" +
            "hypothesis h {\n  node out = logits\n    from ind\n  node ind = L1.H0 computes bad\n    from embed agreeing on token\n  expect scrub recovers >= 0.1\n}\n");
        attempt.File("good.circuit", Attempt.Holding);
        var result = Circuit(attempt.Path, "check", "--no-progress", ".", "--format", "json", "--out", "report.json", "--format", "text");
        Attempt.AssertClean(result);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Error), result.Error);
        Attempt.AssertLocated(result.Error, "bad.circuit", 6, "CD4002");
        Assert.That(result.Out, Does.Contain("copies"));
        Assert.That(File.ReadAllText(attempt.FileName("report.json")), Does.Contain("\"good.circuit\"").And.Contain("\"bad.circuit\""));
    }

    [Test]
    public void AReportToDevStdoutReachesThePipe()
    {
        if (!File.Exists("/dev/stdout")) Assert.Ignore("no /dev/stdout here");
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        var result = Circuit(attempt.Path, "check", "--no-progress", "good.circuit", "--format", "json", "--out", "/dev/stdout");
        Attempt.AssertClean(result);
        Assert.That(result.Code, Is.EqualTo(ExitCodes.Ok), result.Error);
        Assert.That(result.Out, Does.Contain("\"schemaVersion\""));
    }
}
