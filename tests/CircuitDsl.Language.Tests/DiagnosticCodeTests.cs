using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Language.Tests;

/// <summary>Every diagnostic code in the catalogue is triggered by at least one input here.</summary>
public class DiagnosticCodeTests
{
    private const string Header = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at repeated\nbaseline resampled_input\n";

    /// <summary>(code, source of main.circuit) pairs; imports come from <see cref="SharedFiles"/>.</summary>
    public static readonly object[][] Cases =
    [
        ["CD1001", "model zoo:attn-only-2l\nmetric loss at\n"],
        ["CD1002", "import \"unterminated\n"],
        ["CD1003", "model zoo:attn-only-2l\n/* never closed\n"],
        ["CD1004", "let a = (x.Tokens[0]\n"],
        ["CD1005", "let a = (x.Tokens[0]]\n"],
        ["CD1006", "hypothesis h {\n  model zoo:attn-only-2l\n"],
        ["CD1007", Header + "hypothesis h {\n  expect model metric <= 1e400\n}\n"],
        ["CD2001", Header + "hypothesis h {\n  node out = logits\n    from missing\n}\n"],
        ["CD2002", Header + "let a = 1\nlet a = 2\n"],
        ["CD2003", Header + "hypothesis h {\n  expect path L5.H0 -> logits effect <= -0.5\n}\n"],
        ["CD2004", Header + "hypothesis h {\n  expect path L0.H7 -> logits effect <= -0.5\n}\n"],
        ["CD2005", Header + "hypothesis h {\n  expect path embed -> logits.k effect <= -0.5\n}\n"],
        ["CD2006", Header + "hypothesis h {\n  expect path L0.mlp -> logits effect <= -0.5\n}\n"],
        ["CD2007", Header + "hypothesis h {\n  expect path L1.H0 -> L0.H0.k -> logits effect <= -0.5\n}\n"],
        ["CD2008", Header + "hypothesis h {\n  expect path L0.H0 -> L0.H1.k -> logits effect <= -0.5\n}\n"],
        ["CD2009", Header + "group a = b\ngroup b = a\nhypothesis h {\n  expect path a -> logits effect <= 0\n}\n"],
        ["CD2010", Header + "hypothesis h {\n  node out = logits\n  node stray = L0.H0\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2011", Header + "hypothesis h {\n  node top = L1.H0\n    from embed\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2012", Header + "hypothesis h {\n  node out = logits\n    from a\n    from b\n  node a = L0.H0\n  node b = L0.H0, L0.H1\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2013", Header + "hypothesis h {\n  node out = logits\n    from e\n  node e = embed\n    from pos_embed\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2014", Header + "hypothesis h {\n  node out = logits\n    from a\n  node a = L0.H0\n    k from L1.H1\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2015", "data repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n}\n"],
        ["CD2016", "model zoo:attn-only-2l\nmetric loss\nhypothesis h {\n}\n"],
        ["CD2017", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nhypothesis h {\n}\n"],
        ["CD2018", "model zoo:attn-only-2l\ndata repeated_tokenz(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n}\n"],
        ["CD2019", "model zoo:attn-only-2l\ndata repeated_tokens(count: 0, seed: 1)\nmetric loss\nhypothesis h {\n}\n"],
        ["CD2020", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8)\nmetric loss\nhypothesis h {\n}\n"],
        ["CD2021", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at END\nhypothesis h {\n}\n"],
        ["CD2022", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss at 48\nhypothesis h {\n}\n"],
        ["CD2023", "model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, X) at END\nhypothesis h {\n}\n"],
        ["CD2024", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric los\nhypothesis h {\n}\n"],
        ["CD2025", Header + "model zoo:attn-only-1l\nhypothesis h {\n}\n"],
        ["CD2026", Header + "hypothesis h {\n  node out = logits\n    from a\n  node a = L1.H0\n  unimportant L1.H0\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2027", Header + "hypothesis h {\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2028", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n  node out = logits\n    from embed\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2029", "import \"shared/cycle_a.circuit\"\n"],
        ["CD2030", "import \"shared/with_hypothesis.circuit\"\n"],
        ["CD2031", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nablation mean per template\nhypothesis h {\n}\n"],
        ["CD2032", Header + "hypothesis h {\n  expect path L0.H0.k -> logits effect <= -0.5\n}\n"],
        ["CD2033", Header + "let t = x.Tokens[0]\nhypothesis h {\n  expect path t -> logits effect <= -0.5\n}\n"],
        ["CD2034", Header + "group g = L0.H0\nhypothesis h {\n  node out = logits computes g\n}\n"],
        ["CD2035", TreeTooLargeSource()],
        ["CD2036", "model zoo:attn-only-2l\ndata repeated_tokens(count: 100000000, seed: 1)\nmetric loss\nhypothesis h {\n}\n"],
        ["CD2037", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric kl\nhypothesis h {\n  node out = logits\n    from L1.H0\n  expect knockout recovers >= 0.9\n}\n"],
        ["CD2038", "model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(S, IO) at END\nhypothesis h {\n  expect model metric >= 1\n}\n"],
        ["CD2039", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n  expect path embed -> L0.H0.v -> L1.H0.k effect <= -0.5\n}\n"],
        ["CD2040", "model zoo:gpt2-small\ndata ioi(count: 8, seed: 1)\nmetric logit_diff(IO, S) at END\nhypothesis h {\n  expect path L0.H0 -> L1.mlp effect <= -0.5\n}\n"],
        ["CD2041", "model zoo:gqa-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n  expect path pos_embed -> logits effect <= -0.5\n}\n"],
        ["CD2042", "model zoo:parallel-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nbaseline resampled_input\nhypothesis h {\n  node out = logits\n    from m\n  node m = L1.mlp\n    from L1.H0\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2043", "model zoo:gqa-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n  expect path L0.H0 -> L1.H2.k effect <= -0.5\n}\n"],
        ["CD2044", "model zoo:sandwich-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nbaseline resampled_input\nhypothesis h {\n  node out = logits\n    from L1.H0\n  expect scrub recovers >= 0.5\n}\n"],
        ["CD2050", Header + "hypothesis h {\n  expect circuit faithfulness >= 0.8\n}\n"],
        ["CD2051", Header + "hypothesis h {\n  node out = logits\n    from L1.H0 at repeated\n  expect circuit faithfulness >= 0.8\n}\n"],
        ["CD2053", "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric accuracy at repeated\nhypothesis h {\n  node out = logits\n    from L1.H0\n  expect circuit faithfulness >= 0.8\n}\n"],
        ["CD5001", "\uFFFF"],
        ["CD5002", "import \"does/not/exist.circuit\"\n"],
        ["CD5003", "model zoo:no-such-model\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nhypothesis h {\n}\n"],
        ["CD5006", "import \"shared/too_large.circuit\"\n"],
    ];

    private static InMemoryFileProvider SharedFiles() => new InMemoryFileProvider()
        .Add("shared/cycle_a.circuit", "import \"cycle_b.circuit\"\n")
        .Add("shared/cycle_b.circuit", "import \"cycle_a.circuit\"\n")
        .Add("shared/with_hypothesis.circuit", "let ok = 1\nhypothesis h {\n}\n")
        .Add("shared/too_large.circuit", new byte[ResourceLimits.MaxSourceFileBytes + 1]);

    [TestCaseSource(nameof(Cases))]
    public void CodeIsTriggered(string code, string source)
    {
        var result = code == "CD5001"
            ? AnalyzeBytes([0x6C, 0x65, 0x74, 0x20, 0xFF, 0x0A])
            : TestSupport.Analyze(source, SharedFiles());

        Assert.That(result.Diagnostics.Select(d => d.Code), Does.Contain(code), result.RenderText());
        TestContext.Out.WriteLine(result.RenderText());
    }

    [Test]
    public void EveryCatalogueCodeHasACase()
    {
        var covered = Cases.Select(c => (string)c[0]).ToHashSet();
        // CD3xxx come from the compiler, which the front end does not run: CompilerDiagnosticCodeTests covers them.
        var missing = DiagnosticCatalog.All.Select(d => d.Code)
            .Where(code => !covered.Contains(code) && !code.StartsWith("CD3", StringComparison.Ordinal) && !DiagnosticCatalog.Retired.Contains(code)).ToList();

        Assert.That(missing, Is.Empty);
        Assert.That(DiagnosticCatalog.Retired.Where(covered.Contains), Is.Empty, "a retired code is raised nowhere");
    }

    [Test]
    public void CodesAreUniqueAndInTheirRanges()
    {
        var codes = DiagnosticCatalog.All.Select(d => d.Code).ToList();

        Assert.That(codes, Is.Unique);
        Assert.That(codes, Has.All.Match("^CD[1-5][0-9]{3}$"));
        Assert.That(codes.Where(c => c.StartsWith("CD4", StringComparison.Ordinal)), Is.Empty, "CD4xxx is reserved for the engine");
    }

    private static AnalysisResult AnalyzeBytes(byte[] bytes) =>
        CircuitAnalyzer.AnalyzeFile("main.circuit", new InMemoryFileProvider().Add("main.circuit", bytes), TestSupport.Models, TestSupport.Tasks);

    /// <summary>A diamond chain: each level's node is read twice by the level above, doubling the treeified size.</summary>
    private static string TreeTooLargeSource()
    {
        var text = new System.Text.StringBuilder("model zoo:deep\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\nbaseline resampled_input\nhypothesis h {\n  node out = logits\n    from n19\n");
        for (int level = 19; level >= 1; level--)
        {
            text.Append($"  node n{level} = L{level}.H0\n    q from n{level - 1}\n    k from n{level - 1}\n");
        }

        text.Append("  node n0 = L0.H0\n  expect scrub recovers >= 0.5\n}\n");
        return text.ToString();
    }
}
