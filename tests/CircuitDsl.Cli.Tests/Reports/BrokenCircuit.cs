using CircuitDsl.Cli.Models;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Tests.Reports;

/// <summary>A real .circuit file with a binding error (a layer the model lacks), analyzed as the CLI would.</summary>
internal static class BrokenCircuit
{
    // Line 5 reads "group heads = L5.H0"; L5 starts at column 15 and the span is 5 characters long.
    public const string Text = "model zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\n\ngroup heads = L5.H0\n\nhypothesis h {\n  expect path heads -> logits effect <= -0.1\n}\n";

    public static AnalysisResult Analyze(string root, string relativePath)
    {
        File.WriteAllText(Path.Combine(root, relativePath), Text);
        var result = CircuitAnalyzer.AnalyzeFile(Path.Combine(root, relativePath), new PhysicalFileProvider(), new ConfigModelResolver(), ZooTasks.Catalog);
        Assert.That(result.HasErrors, "the file must be broken for these tests");
        return result;
    }
}
