using System.Globalization;
using System.Text;

namespace CircuitDsl.Cli.Pictures;

/// <summary>An attention pattern as an SVG heat map: query positions down, key positions across, white 0 to dark 1.</summary>
public static class AttentionHeatmapWriter
{
    const double Cell = 9, Margin = 40;

    /// <param name="pattern">[query, key] attention weights, rows summing to 1.</param>
    /// <param name="tokens">The token at each position, for axis labels.</param>
    public static string Write(float[,] pattern, IReadOnlyList<string> tokens, string title)
    {
        int n = pattern.GetLength(0);
        if (pattern.GetLength(1) != n || tokens.Count != n)
            throw new ArgumentException($"a {n}x{pattern.GetLength(1)} pattern needs {n} tokens (got {tokens.Count})");
        double size = 2 * Margin + n * Cell;
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(size)}\" height=\"{F(size + 20)}\" font-family=\"sans-serif\" font-size=\"7\">\n");
        svg.Append($"<rect width=\"{F(size)}\" height=\"{F(size + 20)}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(Margin)}\" y=\"16\" font-size=\"12\">{SvgGraphWriter.Escape(title)}</text>\n");
        for (int q = 0; q < n; q++)
        {
            svg.Append($"<text x=\"{F(Margin - 3)}\" y=\"{F(Margin + 20 + q * Cell + Cell * 0.75)}\" text-anchor=\"end\">{SvgGraphWriter.Escape(tokens[q])}</text>\n");
            for (int k = 0; k < n; k++)
            {
                float w = Math.Clamp(pattern[q, k], 0f, 1f);
                if (w < 0.005f) continue; // white background already
                int shade = (int)Math.Round(255 * (1 - w));
                svg.Append($"<rect x=\"{F(Margin + k * Cell)}\" y=\"{F(Margin + 20 + q * Cell)}\" width=\"{F(Cell)}\" height=\"{F(Cell)}\" fill=\"rgb({shade},{shade},255)\"/>\n");
            }
        }
        for (int k = 0; k < n; k++)
            svg.Append($"<text x=\"{F(Margin + k * Cell + Cell / 2)}\" y=\"{F(Margin + 14)}\" text-anchor=\"middle\">{SvgGraphWriter.Escape(tokens[k])}</text>\n");
        svg.Append($"<rect x=\"{F(Margin)}\" y=\"{F(Margin + 20)}\" width=\"{F(n * Cell)}\" height=\"{F(n * Cell)}\" fill=\"none\" stroke=\"#888\"/>\n");
        return svg.Append("</svg>\n").ToString();
    }

    static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
