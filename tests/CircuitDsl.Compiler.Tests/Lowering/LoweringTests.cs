using System.Text.RegularExpressions;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>Every shipped file lowers to C# that compiles, the same bytes every time, with errors at .circuit spans.</summary>
public class LoweringTests
{
    static IEnumerable<string> ShippedFiles() => Circuits.ShippedFiles();

    [TestCaseSource(nameof(ShippedFiles))]
    public void EveryShippedFileCompiles(string path)
    {
        var file = Circuits.BindFile(path);
        var outcome = Circuits.InMemoryCompiler().Compile(file);
        Assert.That(outcome.Diagnostics, Is.Empty, string.Join("\n", outcome.Diagnostics));
        Assert.That(outcome.Hypotheses.Select(h => h.Bound.Name), Is.EqualTo(file.Hypotheses.Select(h => h.Name)));
        Assert.That(Regex.Count(outcome.Source!, @"Expect = new Expectation\(new ExpectationId\("), Is.EqualTo(file.Hypotheses.Sum(h => h.Expectations.Length)),
            "every expectation has a check that states its id");
    }

    [TestCaseSource(nameof(ShippedFiles))]
    public void TheGeneratedSourceIsTheSameBytesEveryTime(string path)
    {
        // Fresh bindings and compilers: nothing may depend on hash order, instance state or the clock.
        string first = Circuits.InMemoryCompiler().Lower(Circuits.BindFile(path)).Source!.Text;
        string second = Circuits.InMemoryCompiler().Lower(Circuits.BindFile(path)).Source!.Text;
        Assert.That(second, Is.EqualTo(first));
    }

    [Test]
    public void EveryUserExpressionIsMappedAndEverythingElseHidden()
    {
        var text = Circuits.InMemoryCompiler().Lower(Circuits.BindFile(Path.Combine("hypotheses", "induction-attn-only-2l.circuit"))).Source!.Text;
        var lines = text.Split('\n');
        var mapped = lines.Select((line, i) => (line, i)).Where(l => l.line.StartsWith("#line (", StringComparison.Ordinal)).ToList();
        Assert.That(mapped.Select(m => lines[m.i + 1].Trim()), Is.EqualTo(new[] { "x.Tokens[x.Pos];", "x.Tokens[x.Pos - 1];", "x.Tokens[x.Pos + 1];" }));
        Assert.That(mapped.Select(m => lines[m.i + 2]), Has.All.EqualTo("#line hidden"));
        Assert.That(lines.First(l => l.StartsWith('#')), Is.EqualTo("#line hidden"), "scaffolding before the first expression is hidden");
    }

    [Test]
    public void ATypeErrorPointsAtTheCircuitLineAndColumnWithRoslynsCode()
    {
        var file = Circuits.Bind(Circuits.Header + "let token = x.Tokens[x.Poss]\n" + Circuits.ModelOnly);
        var outcome = Circuits.InMemoryCompiler().Compile(file);
        var error = outcome.Diagnostics.Single();
        Assert.That(error.Code, Is.EqualTo("CD3005"));
        Assert.That(error.Message, Does.StartWith("CS1061").And.Contain("Poss"));
        Assert.That((error.Span.File, error.Span.Line, error.Span.Column, error.Span.Length), Is.EqualTo(("main.circuit", 5, 24, 4)));
        Assert.That(outcome.Source, Is.Null);
    }

    [Test]
    public void ASandboxViolationPointsAtTheExpression()
    {
        var file = Circuits.Bind(Circuits.Header + "hypothesis h {\n  node out = logits\n    from L1.H0 agreeing on System.IO.File.Exists(\"x\")\n  expect scrub recovers >= 0.5\n}\n");
        var error = Circuits.InMemoryCompiler().Compile(file).Diagnostics.First();
        Assert.That(error.Code, Is.EqualTo("CD3003"));
        Assert.That((error.Span.Line, error.Span.Column), Is.EqualTo((7, 28)));
        Assert.That(error.Message, Does.Contain("System.IO.File"));
    }

    [Test]
    public void AContinuationLineErrorPointsAtItsOwnLine()
    {
        var file = Circuits.Bind(Circuits.Header + "let pair = (x.Tokens[x.Pos],\n    x.Tokenz[0])\n" + Circuits.ModelOnly);
        var error = Circuits.InMemoryCompiler().Compile(file).Diagnostics.Single();
        Assert.That((error.Span.Line, error.Span.Column), Is.EqualTo((6, 7)));
    }

    [Test]
    public void VariablesUseOtherVariablesByNameAsTypedLocals()
    {
        var file = Circuits.Bind(Circuits.Header + """
            let seen_before = x.PrevOccurrence(x.Pos) >= 0
            let copy_target = seen_before ? x.Tokens[x.PrevOccurrence(x.Pos) + 1] : -1
            hypothesis h {
              node out = logits
                from heads
              node heads = L1.H0, L1.H1 computes copy_target
              expect scrub recovers >= 0.5
            }

            """);
        var outcome = Circuits.InMemoryCompiler().Compile(file);
        Assert.That(outcome.Diagnostics, Is.Empty, string.Join("\n", outcome.Diagnostics));
        Assert.That(outcome.Source, Does.Contain("bool seen_before = Let_seen_before(x);"));
        Assert.That(outcome.Source, Does.Contain("public static int Let_copy_target("));
    }

    [Test]
    public void HypothesisVariablesWithTheSameNameGetTheirOwnMethods()
    {
        var file = Circuits.Bind(Circuits.Header + """
            hypothesis a {
              let v = x.Tokens[x.Pos]
              node out = logits computes v
              expect scrub recovers >= 0.5
            }
            hypothesis b {
              let v = x.Pos % 2 == 0
              node out = logits computes v
              expect scrub recovers >= 0.5
            }

            """);
        var source = Circuits.InMemoryCompiler().Compile(file).Source;
        Assert.That(source, Does.Contain("public static int Let_a_v(").And.Contain("public static bool Let_b_v("));
    }

    [Test]
    public void ARefusedVariableIsReportedOnceNotAtEachUser()
    {
        var file = Circuits.Bind(Circuits.Header + "let bad = x.Tokenz[0]\nlet user = bad + 1\n" + Circuits.ModelOnly);
        var diagnostics = Circuits.InMemoryCompiler().Compile(file).Diagnostics;
        Assert.That(diagnostics.Select(d => (d.Code, d.Span.Line)), Is.EqualTo(new[] { ("CD3005", 5) }));
    }

    [Test]
    public void DiagnosticsRenderWithTheCircuitLineAndCaret()
    {
        const string text = Circuits.Header + "let token = x.Tokens[x.Poss]\n" + Circuits.ModelOnly;
        var diagnostic = Circuits.InMemoryCompiler().Compile(Circuits.Bind(text)).Diagnostics.Single();
        string rendered = DiagnosticRenderer.ToText(diagnostic, Language.Syntax.SourceText.From(text, "main.circuit"));
        Assert.That(rendered, Does.StartWith("main.circuit:5:24: error CD3005: CS1061").And.Contain("^~~~"));
    }
}
