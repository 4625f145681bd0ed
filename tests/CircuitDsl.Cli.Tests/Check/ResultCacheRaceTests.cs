using CircuitDsl.Cli.Check;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language;
using static CircuitDsl.Cli.Tests.Check.CacheWorkspace;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// An input rewritten while its hypothesis runs: the numbers are of the new bytes, the key was taken from the old
/// ones, so the result is reported but not recorded. The rewrite happens as the plan is built (no timing involved).
/// </summary>
public class ResultCacheRaceTests
{
    /// <summary>The Roslyn compiler, whose plans run <paramref name="meanwhile"/> just before they read their data.</summary>
    sealed class RewritingCompiler(Action meanwhile) : IPlanCompiler
    {
        readonly RoslynPlanCompiler roslyn = new(new CircuitCompiler(CompileCache.InMemory()));

        public bool PlansFollowFromSources => true;

        public PlanCompilation Compile(AnalysisResult analysis)
        {
            var compiled = roslyn.Compile(analysis);
            return compiled with
            {
                Hypotheses = [.. compiled.Hypotheses.Select(h => h with
                {
                    BuildPlan = (datasets, options, directory) =>
                    {
                        meanwhile();
                        return h.BuildPlan(datasets, options, directory);
                    },
                })],
            };
        }
    }

    [Test]
    public void ADataFileRewrittenDuringTheRunIsNotRecorded()
    {
        using var work = new CacheWorkspace();
        string prompts = work.PathOf(Prompts);
        string[] lines = File.ReadAllLines(prompts);
        var report = work.Check(compiler: new RewritingCompiler(() => File.WriteAllLines(prompts, lines.Reverse())), files: [Data]);
        Assert.That(report.Files.Single().Hypotheses, Has.Count.EqualTo(1), "the run itself is reported");
        Assert.That(work.Entries, Is.Empty);
        Assert.That(Reused(work.Check(files: [Data]), Data), Is.EqualTo(new[] { false }));
    }

    [Test]
    public void AModelFolderRewrittenDuringTheRunIsNotRecorded()
    {
        using var work = new CacheWorkspace();
        string card = Path.Combine(work.ModelFolder, "card.json");
        work.Check(compiler: new RewritingCompiler(() => File.AppendAllText(card, " ")), files: [Main]);
        Assert.That(work.Entries, Is.Empty);
    }
}
