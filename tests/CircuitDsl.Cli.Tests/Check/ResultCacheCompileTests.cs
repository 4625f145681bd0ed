using CircuitDsl.Cli.Check;
using CircuitDsl.Compiler;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;
using static CircuitDsl.Cli.Tests.Check.CacheWorkspace;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// A file whose every selected hypothesis has a recorded result is not compiled (Roslyn need not load), unless its
/// compile gave a diagnostic, which the report must still carry.
/// </summary>
public class ResultCacheCompileTests
{
    /// <summary>The Roslyn compiler, counting its calls, optionally adding a warning to every compile.</summary>
    sealed class CountingCompiler(bool warn = false) : IPlanCompiler
    {
        static readonly DiagnosticDescriptor Warning = new("CD3999", DiagnosticSeverity.Warning, "A compile warning", "a warning of the compile step");
        readonly RoslynPlanCompiler roslyn = new(new CircuitCompiler(CompileCache.InMemory()));

        public int Calls { get; private set; }

        public bool PlansFollowFromSources => true;

        public PlanCompilation Compile(AnalysisResult analysis)
        {
            Calls++;
            var compiled = roslyn.Compile(analysis);
            return warn ? compiled with { Diagnostics = [.. compiled.Diagnostics, Warning.Create(new SourceSpan(analysis.Sources.Root.Source.FilePath, 0, 0, 1, 1))] } : compiled;
        }
    }

    [Test]
    public void AFileWhoseEveryResultIsRecordedIsNotCompiled()
    {
        using var work = new CacheWorkspace();
        var compiler = new CountingCompiler();
        var first = work.Check(compiler: compiler);
        Assert.That(compiler.Calls, Is.EqualTo(2));
        var second = work.Check(compiler: compiler);
        Assert.That(compiler.Calls, Is.EqualTo(2), "neither file compiled again");
        Assert.That(Reused(second), Is.EqualTo(new[] { true, true, true }));
        Assert.That(JsonAsComputed(second), Is.EqualTo(JsonReportWriter.Write(first)), "the same report, hypotheses in the same order");
    }

    [Test]
    public void AFileWithOneResultNotRecordedIsCompiledAndReusesTheRest()
    {
        using var work = new CacheWorkspace();
        var compiler = new CountingCompiler();
        work.Check(compiler: compiler, options: work.Options with { Filter = "paths" }, files: [Main]);
        var all = work.Check(compiler: compiler, files: [Main]);
        Assert.That(compiler.Calls, Is.EqualTo(2), "`induction` was not recorded: the file compiles");
        Assert.That(Reused(all, Main), Is.EqualTo(new[] { false, true }));
    }

    [Test]
    public void AFileWhoseCompileWarnedIsCompiledAgainAndKeepsItsWarning()
    {
        using var work = new CacheWorkspace();
        var compiler = new CountingCompiler(warn: true);
        work.Check(compiler: compiler, files: [Main]);
        var second = work.Check(compiler: compiler, files: [Main]);
        Assert.That(compiler.Calls, Is.EqualTo(2));
        Assert.That(Reused(second, Main), Is.EqualTo(new[] { true, true }), "the results are still reused");
        Assert.That(second.Files.Single().Diagnostics.Select(d => d.Code), Has.Member("CD3999"));
    }
}
