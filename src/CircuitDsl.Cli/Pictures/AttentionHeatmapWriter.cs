using System.Globalization;
using System.Text;

namespace CircuitDsl.Cli.Pictures;

/// <summary>
/// An attention pattern as an SVG heat map: query positions down, key positions across, white 0 to dark 1. The plot
/// is a fixed square that the cells tile exactly, whatever the sequence length; key labels stand rotated above their
/// own column and query labels beside their row. Where cells are too small for a legible label, every k-th position
/// is labelled.
/// </summary>
public static class AttentionHeatmapWriter
{
    public const double PlotSize = 480;
    public const int DrawEveryCellUpTo = 256;
    const double TitleHeight = 28, Gap = 4, MaxFont = 10, MinFont = 6;
    const double CharWidth = 0.6; // of the font size, for sans-serif digits and letters

    /// <param name="pattern">[query, key] attention weights, rows summing to 1.</param>
    /// <param name="tokens">The token at each position, for axis labels.</param>
    public static string Write(float[,] pattern, IReadOnlyList<string> tokens, string title)
    {
        int n = pattern.GetLength(0);
        if (pattern.GetLength(1) != n || tokens.Count != n)
            throw new ArgumentException($"a {n}x{pattern.GetLength(1)} pattern needs {n} tokens (got {tokens.Count})");
        var layout = new Layout(n, tokens);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{F(layout.Width)}\" height=\"{F(layout.Height)}\" font-family=\"sans-serif\" font-size=\"{F(layout.Font)}\">\n");
        svg.Append($"<rect width=\"{F(layout.Width)}\" height=\"{F(layout.Height)}\" fill=\"white\"/>\n");
        svg.Append($"<text x=\"{F(layout.Left)}\" y=\"18\" font-size=\"12\">{SvgGraphWriter.Escape(title)}</text>\n");
        svg.Append("<g class=\"cells\">\n");
        for (int q = 0; q < n; q++)
            for (int k = 0; k < n; k++)
            {
                // Every cell is drawn, white ones too, so that the cells tile the plot; past a few hundred positions the
                // white ones are left to the background, which keeps a 1,024-token picture to megabytes, not a hundred.
                float w = float.IsFinite(pattern[q, k]) ? Math.Clamp(pattern[q, k], 0f, 1f) : 0f;
                int shade = (int)Math.Round(255 * (1 - w));
                if (shade == 255 && n > DrawEveryCellUpTo) continue;
                double x = layout.Edge(layout.Left, k), y = layout.Edge(layout.Top, q);
                svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(layout.Edge(layout.Left, k + 1) - x)}\" height=\"{F(layout.Edge(layout.Top, q + 1) - y)}\" fill=\"rgb({shade},{shade},255)\"/>\n");
            }
        svg.Append("</g>\n<g class=\"query-labels\" text-anchor=\"end\">\n");
        foreach (int q in layout.Labelled)
            svg.Append($"<text x=\"{F(layout.Left - Gap)}\" y=\"{F(layout.RowCentre(q) + layout.Font * 0.35)}\">{SvgGraphWriter.Escape(tokens[q])}</text>\n");
        svg.Append("</g>\n<g class=\"key-labels\" text-anchor=\"start\">\n");
        foreach (int k in layout.Labelled)
        {
            // Rotated to read upwards from just above its own column, so long labels never run into their neighbours.
            double x = layout.ColumnCentre(k) + layout.Font * 0.35, y = layout.Top - Gap;
            svg.Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" transform=\"rotate(-90 {F(x)} {F(y)})\">{SvgGraphWriter.Escape(tokens[k])}</text>\n");
        }
        svg.Append("</g>\n");
        svg.Append($"<rect class=\"plot\" x=\"{F(layout.Left)}\" y=\"{F(layout.Top)}\" width=\"{F(PlotSize)}\" height=\"{F(PlotSize)}\" fill=\"none\" stroke=\"#888\"/>\n");
        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>Where everything goes: cell size from the plot, margins from the longest label at the chosen font.</summary>
    sealed class Layout
    {
        public readonly double Cell, Font, Left, Top, Width, Height;
        public readonly IReadOnlyList<int> Labelled;

        public Layout(int n, IReadOnlyList<string> tokens)
        {
            Cell = PlotSize / Math.Max(1, n);
            Font = Math.Clamp(Cell * 0.9, MinFont, MaxFont);
            int every = (int)Math.Ceiling(Font / Cell * 1.1); // a label per 1.1 font heights at least
            Labelled = Enumerable.Range(0, n).Where(i => i % Math.Max(1, every) == 0).ToArray();
            double longest = Labelled.Select(i => tokens[i].Length).DefaultIfEmpty(1).Max() * Font * CharWidth;
            Left = Math.Max(40, longest + 2 * Gap);
            Top = TitleHeight + longest + 2 * Gap;
            Width = Left + PlotSize + 20;
            Height = Top + PlotSize + 20;
        }

        /// <summary>The i-th cell edge from <paramref name="start"/>, rounded as written, so that neighbours share it exactly.</summary>
        public double Edge(double start, int i) => Math.Round(start + i * Cell, 2);

        public double ColumnCentre(int key) => Left + key * Cell + Cell / 2;

        public double RowCentre(int query) => Top + query * Cell + Cell / 2;
    }

    static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
}
