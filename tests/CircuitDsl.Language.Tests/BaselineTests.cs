using System.Text;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

/// <summary>
/// Bicep-style baselines: each Baselines/NAME.circuit sits beside NAME.diagnostics (the rendered diagnostics)
/// and NAME.formatted (the formatter's output). Regenerate them all with
/// <c>CIRCUIT_UPDATE_BASELINES=1 dotnet test tests/CircuitDsl.Language.Tests</c> and review the diff.
/// Files under Baselines/shared are imported by the cases, not cases themselves.
/// </summary>
public class BaselineTests
{
    private static IEnumerable<string> Cases() =>
        Directory.EnumerateFiles(TestSupport.BaselinesDirectory, "*.circuit").Select(p => Path.GetFileName(p)!).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(Cases))]
    public void Diagnostics(string name)
    {
        var result = CircuitAnalyzer.AnalyzeFile(name, new RootedFileProvider(TestSupport.BaselinesDirectory), TestSupport.Models, TestSupport.Tasks);
        string actual = result.Diagnostics.IsEmpty ? "(no diagnostics)\n" : result.RenderText();

        CompareWithBaseline(Path.ChangeExtension(name, ".diagnostics"), actual);
    }

    [TestCaseSource(nameof(Cases))]
    public void Formatted(string name)
    {
        string text = File.ReadAllText(Path.Combine(TestSupport.BaselinesDirectory, name));
        var tree = CircuitParser.Parse(text, name);
        string actual = tree.HasErrors ? "(not formatted: the file has syntax errors)\n" : CircuitFormatter.Format(tree);

        CompareWithBaseline(Path.ChangeExtension(name, ".formatted"), actual);
        if (!tree.HasErrors)
        {
            var reparsed = CircuitParser.Parse(actual, name);
            Assert.That(CircuitFormatter.Format(reparsed), Is.EqualTo(actual), "formatting must be idempotent");
            Assert.That(SyntaxDump.Of(reparsed.Root), Is.EqualTo(SyntaxDump.Of(tree.Root)), "formatting must not change the meaning");
            Assert.That(reparsed.Comments.Select(c => c.Text), Is.EqualTo(tree.Comments.Select(c => c.Text)), "every comment is kept, in order");
        }
    }

    private static void CompareWithBaseline(string baselineName, string actual) =>
        BaselineFile.Compare(Path.Combine(TestSupport.BaselinesDirectory, baselineName), actual, "tests/CircuitDsl.Language.Tests");
}
