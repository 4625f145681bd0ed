using System.Globalization;
using System.Text;

namespace CircuitDsl.Zoo.Training;

/// <summary>Writes a loss curve as CSV and as a small self-contained SVG line chart.</summary>
public static class LossPlot
{
    public static string ToCsv(IReadOnlyList<LossPoint> curve)
    {
        var csv = new StringBuilder("step,loss\n");
        foreach (var p in curve) csv.Append(CultureInfo.InvariantCulture, $"{p.Step},{p.Loss:R}\n");
        return csv.ToString();
    }

    /// <param name="reference">A horizontal line to draw for comparison (e.g. ln(vocab), the loss of a uniform guess).</param>
    public static string ToSvg(IReadOnlyList<LossPoint> curve, string title, double? reference = null)
    {
        const double width = 640, height = 360, left = 56, right = 16, top = 32, bottom = 40;
        double maxStep = Math.Max(1, curve.Max(p => p.Step));
        double maxLoss = Math.Max(curve.Max(p => p.Loss), reference ?? 0) * 1.05;
        string X(double step) => F(left + step / maxStep * (width - left - right));
        string Y(double loss) => F(top + (1 - loss / maxLoss) * (height - top - bottom));

        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append($"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(width / 2)}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        svg.Append($"<line x1=\"{left}\" y1=\"{F(height - bottom)}\" x2=\"{F(width - right)}\" y2=\"{F(height - bottom)}\" stroke=\"black\"/>\n");
        svg.Append($"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{F(height - bottom)}\" stroke=\"black\"/>\n");
        for (int i = 0; i <= 4; i++)
        {
            double loss = maxLoss * i / 4, step = maxStep * i / 4;
            svg.Append($"<text x=\"{F(left - 6)}\" y=\"{Y(loss)}\" text-anchor=\"end\" dominant-baseline=\"middle\">{F(loss)}</text>\n");
            svg.Append($"<text x=\"{X(step)}\" y=\"{F(height - bottom + 16)}\" text-anchor=\"middle\">{step:0}</text>\n");
        }
        svg.Append($"<text x=\"{F(width / 2)}\" y=\"{F(height - 6)}\" text-anchor=\"middle\">step</text>\n");
        svg.Append($"<text x=\"14\" y=\"{F(height / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {F(height / 2)})\">loss</text>\n");
        if (reference is double r)
            svg.Append($"<line x1=\"{left}\" y1=\"{Y(r)}\" x2=\"{F(width - right)}\" y2=\"{Y(r)}\" stroke=\"gray\" stroke-dasharray=\"4 4\"/>\n" +
                       $"<text x=\"{F(width - right)}\" y=\"{F(double.Parse(Y(r), CultureInfo.InvariantCulture) - 4)}\" text-anchor=\"end\" fill=\"gray\">ln(vocab) = {F(r)}</text>\n");
        svg.Append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"");
        svg.Append(string.Join(" ", curve.Select(p => $"{X(p.Step)},{Y(p.Loss)}")));
        svg.Append("\"/>\n</svg>\n");
        return svg.ToString();
    }

    static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
