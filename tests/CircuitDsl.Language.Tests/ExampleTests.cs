using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>The reference examples (grammar/examples) parse, bind without diagnostics and are already canonical.</summary>
public class ExampleTests
{
    private static IEnumerable<string> Examples() =>
        Directory.EnumerateFiles(TestSupport.ExamplesDirectory, "*.circuit").Select(Path.GetFileName).Order(StringComparer.Ordinal)!;

    [TestCaseSource(nameof(Examples))]
    public void ExampleBindsWithoutDiagnostics(string name)
    {
        var result = CircuitDsl.Language.CircuitAnalyzer.AnalyzeFile(name, new RootedFileProvider(TestSupport.ExamplesDirectory), TestSupport.Models, TestSupport.Tasks);

        Assert.That(result.Diagnostics, Is.Empty, result.RenderText());
        Assert.That(result.File, Is.Not.Null);
    }

    [TestCaseSource(nameof(Examples))]
    public void ExampleIsCanonicallyFormatted(string name)
    {
        string text = File.ReadAllText(Path.Combine(TestSupport.ExamplesDirectory, name));
        var tree = CircuitParser.Parse(text, name);

        Assert.That(CircuitFormatter.Format(tree), Is.EqualTo(text));
    }
}
