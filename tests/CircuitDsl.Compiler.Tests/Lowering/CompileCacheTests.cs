using CircuitDsl.Compiler.Roslyn;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>The second check of an unchanged file does not run Roslyn, in one process or the next.</summary>
public class CompileCacheTests
{
    static readonly string InductionFile = Path.Combine("hypotheses", "induction-attn-only-2l.circuit");
    string cacheDir = "";

    [SetUp]
    public void CreateCacheDir() => cacheDir = Path.Combine(Path.GetTempPath(), "circuitdsl-compile-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveCacheDir()
    {
        if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
    }

    [Test]
    public void CompilingAnUnchangedFileTwiceRunsRoslynOnce()
    {
        var compiler = new CircuitCompiler(new CompileCache(cacheDir));
        var first = compiler.Compile(Circuits.BindFile(InductionFile));
        var second = compiler.Compile(Circuits.BindFile(InductionFile));
        Assert.That((first.RoslynRan, second.RoslynRan), Is.EqualTo((true, false)));
        Assert.That(compiler.RoslynInvocations, Is.EqualTo(1));
        Assert.That(second.Hypotheses, Has.Length.EqualTo(2));
    }

    [Test]
    public void ANewCompilerFindsTheCompiledPlanOnDisk()
    {
        new CircuitCompiler(new CompileCache(cacheDir)).Compile(Circuits.BindFile(InductionFile));
        var fresh = new CircuitCompiler(new CompileCache(cacheDir)); // as in a second `circuit check`
        var outcome = fresh.Compile(Circuits.BindFile(InductionFile));
        Assert.That(outcome.RoslynRan, Is.False);
        Assert.That(fresh.RoslynInvocations, Is.Zero);
        Assert.That(outcome.Success, Is.True);
    }

    [Test]
    public void AnEditedVariableIsCompiledAgain()
    {
        var compiler = new CircuitCompiler(new CompileCache(cacheDir));
        compiler.Compile(Circuits.Bind(Circuits.Header + "let token = x.Tokens[x.Pos]\n" + Circuits.ModelOnly));
        var edited = compiler.Compile(Circuits.Bind(Circuits.Header + "let token = x.Tokens[x.Pos - 1]\n" + Circuits.ModelOnly));
        Assert.That(edited.RoslynRan, Is.True);
        Assert.That(compiler.RoslynInvocations, Is.EqualTo(2));
    }
}
