using System.Text.Json;
using CircuitDsl.Cli.Check;
using CircuitDsl.Language;

namespace CircuitDsl.Cli.Tests.Adversarial;

/// <summary>
/// A bug of CircuitDsl (here: a compile step that throws for one file) is exit 3 with one line saying so, the trace
/// only under --verbose, and the other files' results are still reported.
/// </summary>
public class InternalErrorTests
{
    /// <summary>The real compiler, except for files named bug*.circuit, where it fails as a bug would.</summary>
    sealed class BuggyCompiler : IPlanCompiler
    {
        readonly IPlanCompiler real = RoslynPlanCompiler.Create();

        public PlanCompilation Compile(AnalysisResult analysis) =>
            Path.GetFileName(analysis.File!.FilePath).StartsWith("bug", StringComparison.Ordinal)
                ? throw new NullReferenceException("Object reference not set to an instance of an object.")
                : real.Compile(analysis);
    }

    [Test]
    public void ABugInOneFileIsExitThreeAndTheOtherFileIsStillReported()
    {
        using var attempt = new Attempt();
        attempt.File("bug.circuit", Attempt.Holding);
        attempt.File("good.circuit", Attempt.Holding);
        string json = attempt.FileName("report.json");
        var (code, _, error) = attempt.Run(() => new BuggyCompiler(), "check", "--no-progress", ".", "--format", "json", "--out", json);
        Assert.That(code, Is.EqualTo(ExitCodes.Internal), error);
        Assert.That(error, Does.Contain("internal error").And.Contain("--verbose"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        var files = report.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.That(files["bug.circuit"].GetProperty("status").GetString(), Is.EqualTo("error"));
        Assert.That(files["bug.circuit"].GetProperty("diagnostics")[0].GetProperty("code").GetString(), Is.EqualTo("CD4099"));
        Assert.That(files["good.circuit"].GetProperty("status").GetString(), Is.EqualTo("passed"));
        attempt.AssertInputsUnchanged(json);
    }

    [Test]
    public void VerbosePrintsTheTrace()
    {
        using var attempt = new Attempt();
        attempt.File("bug.circuit", Attempt.Holding);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string saved = Directory.GetCurrentDirectory();
        try
        {
            Directory.SetCurrentDirectory(attempt.Path);
            int code = CircuitApp.Run(["check", "--no-progress", "bug.circuit", "--verbose"], stdout, stderr, () => new BuggyCompiler());
            Assert.That(code, Is.EqualTo(ExitCodes.Internal));
        }
        finally
        {
            Directory.SetCurrentDirectory(saved);
        }
        Assert.That(stderr.ToString(), Does.Contain("NullReferenceException").And.Contain(" at "));
    }

    [Test]
    public void AnExceptionEscapingAVerbIsExitThreeWithOneLine()
    {
        using var attempt = new Attempt();
        attempt.File("good.circuit", Attempt.Holding);
        // A compiler factory that fails is a failure outside every per-file guard.
        var (code, _, error) = attempt.Run(() => throw new InvalidCastException("unexpected"), "check", "--no-progress", "good.circuit");
        Assert.That(code, Is.EqualTo(ExitCodes.Internal));
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(error, Does.StartWith("internal error: InvalidCastException"));
    }
}
