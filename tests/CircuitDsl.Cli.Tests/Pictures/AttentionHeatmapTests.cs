using System.Globalization;
using System.Xml.Linq;
using CircuitDsl.Cli.Pictures;

namespace CircuitDsl.Cli.Tests.Pictures;

/// <summary>The heat map's layout: cells tile the plot for any length, and each key label stands over its own column.</summary>
public class AttentionHeatmapTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    static XDocument Draw(int n, Func<int, string>? token = null)
    {
        var pattern = new float[n, n];
        for (int q = 0; q < n; q++)
            for (int k = 0; k <= q; k++) pattern[q, k] = 1f / (q + 1);
        return XDocument.Parse(AttentionHeatmapWriter.Write(pattern, Enumerable.Range(0, n).Select(token ?? (i => $"tok{i}")).ToArray(), "L1.H0"));
    }

    static double D(XElement e, string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);

    static List<XElement> Group(XDocument svg, string name) => svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == name).Elements().ToList();

    [TestCase(3)]
    [TestCase(7)]
    [TestCase(16)]
    [TestCase(48)]
    [TestCase(AttentionHeatmapWriter.DrawEveryCellUpTo)]
    public void TheCellsTileThePlotExactly(int n)
    {
        var svg = Draw(n);
        var plot = svg.Descendants(Svg + "rect").Single(r => (string?)r.Attribute("class") == "plot");
        double left = D(plot, "x"), top = D(plot, "y"), size = D(plot, "width");
        Assert.That(size, Is.EqualTo(AttentionHeatmapWriter.PlotSize));
        var cells = Group(svg, "cells");
        Assert.That(cells, Has.Count.EqualTo(n * n), "every cell, white ones too");
        Assert.That(cells.Select(c => (D(c, "x"), D(c, "y"))).Distinct().Count(), Is.EqualTo(n * n));
        Assert.That(cells.Sum(c => D(c, "width") * D(c, "height")), Is.EqualTo(size * size).Within(size * size * 1e-3), "no gaps, no overlaps");
        Assert.That(cells.Min(c => D(c, "x")), Is.EqualTo(left).Within(0.01));
        Assert.That(cells.Min(c => D(c, "y")), Is.EqualTo(top).Within(0.01));
        Assert.That(cells.Max(c => D(c, "x") + D(c, "width")), Is.EqualTo(left + size).Within(0.02));
        Assert.That(cells.Max(c => D(c, "y") + D(c, "height")), Is.EqualTo(top + size).Within(0.02));
    }

    [TestCase(3)]
    [TestCase(48)]
    public void EachKeyHasItsOwnRotatedLabelOverItsColumn(int n)
    {
        var svg = Draw(n, i => $"token-{i}");
        var labels = Group(svg, "key-labels");
        Assert.That(labels.Select(l => l.Value), Is.EqualTo(Enumerable.Range(0, n).Select(i => $"token-{i}")), "one label per key, in order");
        var xs = labels.Select(l => D(l, "x")).ToList();
        Assert.That(xs, Is.Ordered.Ascending.And.Unique);
        double cell = AttentionHeatmapWriter.PlotSize / n;
        Assert.That(xs.Zip(xs.Skip(1), (a, b) => b - a), Is.All.EqualTo(cell).Within(0.02), "a column apart");
        Assert.That(labels.Select(l => (string?)l.Attribute("transform")), Is.All.StartsWith("rotate(-90 "));
        Assert.That(Group(svg, "query-labels").Select(l => D(l, "y")), Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void ALongSequenceIsLabelledEveryKthPositionAtALegibleSize()
    {
        var svg = Draw(200);
        var labels = Group(svg, "key-labels");
        double font = double.Parse((string)svg.Root!.Attribute("font-size")!, CultureInfo.InvariantCulture);
        Assert.That(font, Is.GreaterThanOrEqualTo(6));
        Assert.That(labels, Has.Count.LessThan(200).And.Count.GreaterThan(20));
        var xs = labels.Select(l => D(l, "x")).ToList();
        Assert.That(xs.Zip(xs.Skip(1), (a, b) => b - a), Is.All.GreaterThanOrEqualTo(font), "labels do not overlap");
        var positions = labels.Select(l => int.Parse(l.Value["tok".Length..], CultureInfo.InvariantCulture)).ToList();
        int every = positions[1];
        Assert.That(positions, Is.EqualTo(Enumerable.Range(0, positions.Count).Select(i => i * every)), "every k-th position from the first");
    }
}
