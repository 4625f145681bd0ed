using System.Text.Json;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Tests;

public class DiagnosticRendererTests
{
    [Test]
    public void TextShowsTheLineAndUnderlinesTheSpan()
    {
        var source = SourceText.From("model zoo:x\n\tgroup g = L5.H0\n", "a.circuit");
        var diagnostic = DiagnosticCatalog.LayerOutOfRange.Create(source.Span(23, 5), "L5", "x", 2, 1);

        string text = DiagnosticRenderer.ToText(diagnostic, source);

        Assert.That(text, Is.EqualTo(
            "a.circuit:2:12: error CD2003: Layer 'L5' does not exist: model 'x' has 2 layer(s), L0 to L1.\n" +
            " 2 |     group g = L5.H0\n" +
            "   |               ^~~~~\n"));
    }

    [Test]
    public void LongLinesAreShownAsAWindowAroundTheSpan()
    {
        string line = new string('a', 5000) + " L9.H0 " + new string('b', 5000);
        var source = SourceText.From(line, "a.circuit");
        var diagnostic = DiagnosticCatalog.LayerOutOfRange.Create(source.Span(5001, 5), "L9", "x", 2, 1);

        string[] lines = DiagnosticRenderer.ToText(diagnostic, source).Split('\n');

        Assert.That(lines[1].Length, Is.LessThan(200));
        Assert.That(lines[1].IndexOf("L9.H0", StringComparison.Ordinal), Is.EqualTo(lines[2].IndexOf('^')));
    }

    [Test]
    public void JsonHasStableFields()
    {
        var source = SourceText.From("let a = (\n", "a.circuit");
        var diagnostic = DiagnosticCatalog.UnclosedBracket.Create(source.Span(8, 1), '(', ')');

        using var json = JsonDocument.Parse(DiagnosticRenderer.ToJson([diagnostic]));
        var item = json.RootElement[0];

        Assert.That(item.GetProperty("code").GetString(), Is.EqualTo("CD1004"));
        Assert.That(item.GetProperty("severity").GetString(), Is.EqualTo("error"));
        Assert.That(item.GetProperty("file").GetString(), Is.EqualTo("a.circuit"));
        Assert.That((item.GetProperty("line").GetInt32(), item.GetProperty("column").GetInt32()), Is.EqualTo((1, 9)));
        Assert.That((item.GetProperty("offset").GetInt32(), item.GetProperty("length").GetInt32()), Is.EqualTo((8, 1)));
        Assert.That(item.GetProperty("message").GetString(), Is.EqualTo("'(' is never closed: add ')'."));
    }
}
