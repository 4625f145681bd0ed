using System.Globalization;
using System.Text;

namespace CircuitDsl.Cli.Pictures;

/// <summary>
/// Draws a <see cref="HypothesisGraph"/> as a standalone SVG: boxes in columns by their place in the residual stream
/// (embeddings left, logits right), claimed inputs as solid arrows and expectation-only paths dashed.
/// </summary>
public static class SvgGraphWriter
{
    const double BoxWidth = 190, BoxHeight = 48, ColumnGap = 90, RowGap = 26, Margin = 24;
    // Arrows that skip a column run along lanes above the boxes (one each) instead of through them.
    const double FirstLane = Margin + 34, LaneGap = 16;

    public static string Write(HypothesisGraph graph, string title)
    {
        var columns = graph.Boxes.GroupBy(b => b.Order).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var columnOf = columns.SelectMany((boxes, c) => boxes.Select(b => (b.Id, c))).ToDictionary(p => p.Id, p => p.c, StringComparer.Ordinal);
        var skipping = graph.Arrows.Where(a => columnOf[a.To] - columnOf[a.From] > 1).ToList();
        double firstRow = FirstLane + skipping.Count * LaneGap + 10;
        var place = new Dictionary<string, (double X, double Y, int Column)>(StringComparer.Ordinal);
        for (int c = 0; c < columns.Length; c++)
            for (int r = 0; r < columns[c].Length; r++)
                place[columns[c][r].Id] = (Margin + c * (BoxWidth + ColumnGap), firstRow + r * (BoxHeight + RowGap), c);
        int rows = columns.Length == 0 ? 1 : columns.Max(c => c.Length);
        double width = 2 * Margin + Math.Max(1, columns.Length) * (BoxWidth + ColumnGap) - ColumnGap;
        double height = Margin + firstRow + rows * (BoxHeight + RowGap);

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(width)}\" height=\"{F(height)}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M 0 0 L 10 5 L 0 10 z\"/></marker></defs>\n");
        svg.Append($"<rect width=\"{F(width)}\" height=\"{F(height)}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(Margin)}\" y=\"{F(Margin + 4)}\" font-size=\"14\">{Escape(title)}</text>\n");
        foreach (var arrow in graph.Arrows)
        {
            var (fx, fy, fromColumn) = place[arrow.From];
            var (tx, ty, toColumn) = place[arrow.To];
            double x1 = fx + BoxWidth, y1 = fy + BoxHeight / 2, x2 = tx, y2 = ty + BoxHeight / 2;
            bool skips = toColumn - fromColumn > 1;
            double lane = FirstLane + skipping.IndexOf(arrow) * LaneGap;
            string path = skips
                ? $"M {F(x1)} {F(y1)} C {F(x1 + 40)} {F(y1)}, {F(x1 + 40)} {F(lane)}, {F(x1 + 80)} {F(lane)} L {F(x2 - 80)} {F(lane)} C {F(x2 - 40)} {F(lane)}, {F(x2 - 40)} {F(y2)}, {F(x2)} {F(y2)}"
                : $"M {F(x1)} {F(y1)} C {F(x1 + ColumnGap / 2)} {F(y1)}, {F(x2 - ColumnGap / 2)} {F(y2)}, {F(x2)} {F(y2)}";
            string dash = arrow.Claimed ? "" : " stroke-dasharray=\"5 4\"";
            svg.Append($"<path d=\"{path}\" fill=\"none\" stroke=\"#444\"{dash} marker-end=\"url(#arrow)\"/>\n");
            if (arrow.Label.Length > 0)
            {
                double labelX = skips ? (x1 + x2) / 2 : x1 + ColumnGap / 2, labelY = skips ? lane - 5 : (y1 + y2) / 2 - 5;
                svg.Append($"<text x=\"{F(labelX)}\" y=\"{F(labelY)}\" text-anchor=\"middle\" fill=\"#333\">{Escape(arrow.Label)}</text>\n");
            }
        }
        foreach (var box in graph.Boxes)
        {
            var (x, y, _) = place[box.Id];
            svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\" fill=\"#eef3fb\" stroke=\"#36c\"/>\n");
            svg.Append($"<text x=\"{F(x + BoxWidth / 2)}\" y=\"{F(y + 19)}\" text-anchor=\"middle\" font-weight=\"bold\">{Escape(box.Components)}</text>\n");
            if (box.Computes is not null)
                svg.Append($"<text x=\"{F(x + BoxWidth / 2)}\" y=\"{F(y + 37)}\" text-anchor=\"middle\">{Escape(Shorten(box.Computes))}</text>\n");
        }
        return svg.Append("</svg>\n").ToString();
    }

    static string Shorten(string text) => text.Length <= 28 ? text : text[..27] + "…";

    static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    internal static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&quot;");
}
