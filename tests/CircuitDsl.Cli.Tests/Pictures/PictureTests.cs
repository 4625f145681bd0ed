using System.Xml.Linq;
using CircuitDsl.Cli.Models;
using CircuitDsl.Cli.Pictures;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Tests.Pictures;

public class PictureTests
{
    static BoundHypothesis Induction(string name)
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "CircuitDsl.sln"))) dir = Path.GetDirectoryName(dir)!;
        var result = CircuitAnalyzer.AnalyzeFile(Path.Combine(dir, "grammar", "examples", "induction.circuit"), new PhysicalFileProvider(), new ConfigModelResolver(), ZooTasks.Catalog);
        Assert.That(result.HasErrors, Is.False, result.RenderText());
        return result.File!.Hypotheses.Single(h => h.Name == name);
    }

    [Test]
    public void TheGraphHasABoxPerNodeAndAnArrowPerClaimedInput()
    {
        var graph = HypothesisGraph.Of(Induction("naive"));
        Assert.That(graph.Boxes.Select(b => b.Components), Is.SupersetOf(new[] { "logits", "L1.H0, L1.H1", "L0.H0", "embed" }));
        var key = graph.Arrows.Single(a => a.Claimed && a.Label == "k");
        Assert.That(graph.Boxes.Single(b => b.Id == key.From).Components, Is.EqualTo("L0.H0"));
        Assert.That(graph.Boxes.First().Order, Is.LessThanOrEqualTo(graph.Boxes.Last().Order), "left to right along the residual stream");
    }

    [Test]
    public void MermaidIsAFencedFlowchartWithLabelledArrowsAndMeasuredEffects()
    {
        var graph = HypothesisGraph.Of(Induction("naive"));
        string mermaid = MermaidWriter.Write(graph, arrow => arrow.Label == "k" ? "effect -0.62" : null);
        Assert.That(mermaid, Does.StartWith("```mermaid\nflowchart LR\n").And.EndWith("```\n"));
        Assert.That(mermaid, Does.Contain("|\"k · effect -0.62\"|"));
        Assert.That(mermaid, Does.Contain("computes"));
        Assert.That(mermaid.Count(c => c == '"') % 2, Is.Zero, "labels are closed");
    }

    [Test]
    public void TheSvgGraphIsWellFormed()
    {
        string svg = SvgGraphWriter.Write(HypothesisGraph.Of(Induction("refined")), "refined <induction>");
        var document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.That(document.Root!.Name, Is.EqualTo(ns + "svg"));
        Assert.That(document.Descendants(ns + "path").Count(), Is.GreaterThanOrEqualTo(4));
        Assert.That(svg, Does.Contain("refined &lt;induction&gt;"));
    }

    [Test]
    public void TheHeatmapShadesEachCellByItsWeight()
    {
        var pattern = new float[3, 3] { { 1, 0, 0 }, { 0.5f, 0.5f, 0 }, { 0, 0, 1 } };
        string svg = AttentionHeatmapWriter.Write(pattern, ["a", "b", "<c>"], "L0.H0");
        var document = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        var cells = document.Descendants(ns + "rect").Select(r => (string?)r.Attribute("fill")).Where(f => f!.StartsWith("rgb") && f != "rgb(255,255,255)").ToList();
        Assert.That(cells, Is.EquivalentTo(new[] { "rgb(0,0,255)", "rgb(128,128,255)", "rgb(128,128,255)", "rgb(0,0,255)" }));
        Assert.Throws<ArgumentException>(() => AttentionHeatmapWriter.Write(pattern, ["a"], "bad"));
    }
}
