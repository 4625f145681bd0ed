using System.Diagnostics;
using System.Reflection;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Compiler.Tests.Sandbox;

namespace CircuitDsl.Compiler.Tests.Roslyn;

public class RoslynCompilerTests
{
    string cacheDir = "";

    [SetUp]
    public void CreateCacheDir() => cacheDir = Path.Combine(Path.GetTempPath(), "circuitdsl-cache-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void RemoveCacheDir()
    {
        if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, true);
    }

    static RoslynCompiler NewCompiler(CompileCache cache) => new([typeof(TestExample).Assembly], cache);

    /// <summary>A generated file whose one user expression comes from line 5, column 13 of induction.circuit.</summary>
    static GeneratedSource WithUserExpression(string expression) => new("Induction.g.cs", string.Join("\n",
        LineDirectives.Hidden,
        "namespace Generated;",
        "public static class Plan",
        "{",
        $"    public static object Evaluate(global::{typeof(TestExample).FullName} x) =>",
        LineDirectives.MapNextLine(new SourceRange("induction.circuit", 5, 13, 5, 13 + expression.Length), charactersBefore: 8),
        $"        {expression};",
        LineDirectives.Hidden,
        "}",
        ""));

    [Test]
    public void ATypeErrorInUserCodeIsReportedAtTheCircuitLineAndColumnWithRoslynsCode()
    {
        var result = NewCompiler(CompileCache.InMemory()).Compile(WithUserExpression("x.Tokens[x.Poss]"));
        var error = result.Diagnostics.Single();
        Assert.That(error.Code, Is.EqualTo(CompileDiagnostic.UserCodeError));
        Assert.That(error.RoslynId, Is.EqualTo("CS1061"));
        Assert.That(error.Location, Is.EqualTo(new SourceRange("induction.circuit", 5, 13 + 11, 5, 13 + 15)));
        Assert.That(error.Message, Does.Contain("Poss"));
    }

    [Test]
    public void AnErrorInScaffoldingIsAnInternalErrorWithoutAUserLocation()
    {
        var broken = new GeneratedSource("Broken.g.cs", "#line hidden\nnamespace Generated; public static class Plan { public static int F() => undefinedName; }\n");
        var error = NewCompiler(CompileCache.InMemory()).Compile(broken).Diagnostics.Single();
        Assert.That(error.Code, Is.EqualTo(CompileDiagnostic.InternalError));
        Assert.That(error.Location, Is.Null);
    }

    [Test]
    public void ARunTimeErrorInsideAVariableNamesTheCircuitLine()
    {
        var result = NewCompiler(CompileCache.InMemory()).Compile(WithUserExpression("x.Tokens[x.Pos + 100]"));
        Assert.That(result.Success, Is.True, string.Join("\n", result.Diagnostics));
        var evaluate = result.Assembly!.GetType("Generated.Plan")!.GetMethod("Evaluate")!;
        var error = Assert.Throws<TargetInvocationException>(() => evaluate.Invoke(null, [new TestExample()]))!.InnerException!;
        Assert.That(error, Is.InstanceOf<IndexOutOfRangeException>());
        var firstFrame = new StackTrace(error, fNeedFileInfo: true).ToString().Split('\n')[0];
        Assert.That(firstFrame, Does.Contain("Generated.Plan.Evaluate").And.EndsWith("in induction.circuit:line 5"));
    }

    [Test]
    public void CompilingTheSameSourceTwiceRunsRoslynOnce()
    {
        var compiler = NewCompiler(new CompileCache(cacheDir));
        var first = compiler.Compile(WithUserExpression("x.Tokens[x.Pos]"));
        var second = compiler.Compile(WithUserExpression("x.Tokens[x.Pos]"));
        Assert.That(first.CacheHit, Is.False);
        Assert.That(second.CacheHit, Is.True);
        Assert.That(compiler.RoslynInvocations, Is.EqualTo(1));
        Assert.That(Invoke(second), Is.EqualTo(1));
    }

    [Test]
    public void AnotherProcessFindsTheCompiledPlanOnDisk()
    {
        NewCompiler(new CompileCache(cacheDir)).Compile(WithUserExpression("x.Tokens[x.Pos]"));
        var fresh = NewCompiler(new CompileCache(cacheDir)); // a new in-memory cache, as in a second `circuit check`
        var result = fresh.Compile(WithUserExpression("x.Tokens[x.Pos]"));
        Assert.That(result.CacheHit, Is.True);
        Assert.That(fresh.RoslynInvocations, Is.Zero);
        Assert.That(Invoke(result), Is.EqualTo(1));
    }

    [Test]
    public void AChangedSourceIsCompiledAgain()
    {
        var compiler = NewCompiler(new CompileCache(cacheDir));
        compiler.Compile(WithUserExpression("x.Tokens[x.Pos]"));
        var changed = compiler.Compile(WithUserExpression("x.Tokens[x.Pos - 1]"));
        Assert.That(changed.CacheHit, Is.False);
        Assert.That(compiler.RoslynInvocations, Is.EqualTo(2));
        Assert.That(Invoke(changed), Is.EqualTo(4));
    }

    [Test]
    public void TheSameSourceCompilesToTheSameBytes()
    {
        NewCompiler(new CompileCache(cacheDir)).Compile(WithUserExpression("x.Tokens[x.Pos]"));
        string otherDir = cacheDir + "-other";
        try
        {
            NewCompiler(new CompileCache(otherDir)).Compile(WithUserExpression("x.Tokens[x.Pos]"));
            var entry = Directory.GetFiles(cacheDir, "*.plan").Single();
            Assert.That(File.ReadAllBytes(entry), Is.EqualTo(File.ReadAllBytes(Path.Combine(otherDir, Path.GetFileName(entry)))));
        }
        finally
        {
            Directory.Delete(otherDir, true);
        }
    }

    static object? Invoke(CompileResult result) =>
        result.Assembly!.GetType("Generated.Plan")!.GetMethod("Evaluate")!.Invoke(null, [new TestExample()]);
}
