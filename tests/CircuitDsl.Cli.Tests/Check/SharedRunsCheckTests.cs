using CircuitDsl.Cli.Check;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>`circuit check` makes the clean runs a file's hypotheses share once, and reports what each would alone.</summary>
[TestFixture]
public class SharedRunsCheckTests
{
    static readonly IPlanCompiler Compiler = new RoslynPlanCompiler(new CircuitCompiler(CompileCache.InMemory()));

    static (string Json, int Reused) Check(CacheWorkspace workspace, CheckOptions options)
    {
        using var runner = new CheckRunner(options, Compiler, workspace.Folder);
        var report = runner.Run([workspace.PathOf(CacheWorkspace.Main)], ToolInfo.Versions());
        return (JsonReportWriter.Write(report), runner.ReusedRuns);
    }

    [Test]
    public void HypothesesOnTheSameDataReadOneSetOfCleanRunsAndReportTheSameBytes()
    {
        using var workspace = new CacheWorkspace();
        var (shared, reused) = Check(workspace, workspace.Options);
        var (alone, none) = Check(workspace, workspace.Options with { SharedRunsBytes = 0 });
        // main.circuit: a scrub and a path check on repeated_tokens(count: 16, seed: 3), one batch; the second reads the clean run.
        Assert.That((reused, none), Is.EqualTo((1, 0)));
        Assert.That(shared, Is.EqualTo(alone));
    }

    [Test]
    public void AFilteredRunReportsWhatTheWholeFileReportsForItsHypothesis()
    {
        using var workspace = new CacheWorkspace();
        var (whole, _) = Check(workspace, workspace.Options);
        var (filtered, reused) = Check(workspace, workspace.Options with { Filter = "paths" });
        Assert.That(reused, Is.EqualTo(0));
        string Paths(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!["files"]![0]!["hypotheses"]!.AsArray()
            .Single(h => (string?)h!["name"] == "paths")!.ToJsonString();
        Assert.That(Paths(filtered), Is.EqualTo(Paths(whole)));
    }
}
