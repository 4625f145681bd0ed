using CircuitDsl.Compiler.Lowering;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>Every CD3xxx code of the catalogue is triggered here (the front end's DiagnosticCodeTests cover the rest).</summary>
public class CompilerDiagnosticCodeTests
{
    public static readonly object[][] Cases =
    [
        ["CD3001", Circuits.Header + "let a = x.Tokens[0] 1\n" + Circuits.ModelOnly],
        ["CD3002", Circuits.Header + "let a = x.Tokens[0] = 1\n" + Circuits.ModelOnly],
        ["CD3003", Circuits.Header + "let a = System.IO.File.Exists(\"a\")\n" + Circuits.ModelOnly],
        ["CD3004", Circuits.Header + "let a = x.Tokens\n" + Circuits.ModelOnly],
        ["CD3005", Circuits.Header + "let a = x.Tokenz[0]\n" + Circuits.ModelOnly],
        ["CD3006", Circuits.Header + "let a = x.Tokens.Sum(p => x.Tokens.Sum(q => x.Tokens.Sum(r => r)))\n" + Circuits.ModelOnly],
        ["CD3008", Circuits.Header + "let a = " + string.Concat(Enumerable.Repeat("- ", 100)) + "1\n" + Circuits.ModelOnly],
        ["CD3009", Circuits.Header + "let a = \"" + new string('a', 2_000) + "\"\n" + Circuits.ModelOnly],
    ];

    /// <summary>The size codes the front end reports too (for brackets and length), so no file brings them to the compiler.</summary>
    static readonly string[] AlsoFrontEndCodes = ["CD3008", "CD3009"];

    [TestCaseSource(nameof(Cases))]
    public void CodeIsTriggered(string code, string source)
    {
        var analysis = Circuits.Analyze(source);
        if (analysis.HasErrors)
        {
            Assert.That(AlsoFrontEndCodes, Does.Contain(code), analysis.RenderText());
            Assert.That(analysis.Diagnostics.Select(d => d.Code), Does.Contain(code));
            return;
        }
        var outcome = Circuits.InMemoryCompiler().Compile(analysis.File!);
        Assert.That(outcome.Diagnostics.Select(d => d.Code), Does.Contain(code), string.Join("\n", outcome.Diagnostics));
        Assert.That(outcome.Hypotheses, Is.Empty);
    }

    [Test]
    public void AnErrorInScaffoldingIsInternal()
    {
        var broken = new GeneratedSource("Broken.g.cs", "#line hidden\nnamespace Generated; public static class Plan { public static int F() => undefinedName; }\n");
        var error = new RoslynCompiler([typeof(ExperimentPlan).Assembly], CompileCache.InMemory()).Compile(broken).Diagnostics.Single();
        var lowered = new LoweredFile("main.circuit", broken, "Generated.Plan", [], []);
        var diagnostic = CircuitCompiler.ToDiagnostic(error, lowered);
        Assert.That(diagnostic.Code, Is.EqualTo("CD3099"));
        Assert.That(diagnostic.Message, Does.Contain("CS0103").And.Contain("bug in CircuitDsl"));
    }

    [Test]
    public void EveryCompilerCodeHasACase()
    {
        var covered = Cases.Select(c => (string)c[0]).Append("CD3099").ToHashSet();
        var compilerCodes = CompilerDiagnostics.All.Concat(DiagnosticCatalog.All).Select(d => d.Code).Where(c => c.StartsWith("CD3", StringComparison.Ordinal));
        Assert.That(compilerCodes.Where(c => !covered.Contains(c)), Is.Empty);
    }
}
