using System.Text;

namespace CircuitDsl.Cli.Pictures;

/// <summary>
/// Writes a <see cref="HypothesisGraph"/> as a Mermaid flowchart, which GitHub renders in step summaries and pull
/// request comments. Arrow labels can carry measured effects.
/// </summary>
public static class MermaidWriter
{
    /// <param name="measured">An optional label per arrow (e.g. "effect −0.62 ± 0.04"), appended to the arrow's own.</param>
    public static string Write(HypothesisGraph graph, Func<GraphArrow, string?>? measured = null)
    {
        var text = new StringBuilder("```mermaid\nflowchart LR\n");
        var ids = graph.Boxes.Select((b, i) => (b.Id, Short: $"n{i}")).ToDictionary(p => p.Id, p => p.Short, StringComparer.Ordinal);
        foreach (var box in graph.Boxes)
        {
            string label = box.Named && box.Id != box.Components ? $"{box.Id}: {box.Components}" : box.Components;
            if (box.Computes is not null) label += $"<br/>computes {box.Computes}";
            text.Append($"    {ids[box.Id]}[\"{Escape(label)}\"]\n");
        }
        foreach (var arrow in graph.Arrows)
        {
            string label = string.Join(" · ", new[] { arrow.Label, measured?.Invoke(arrow) }.Where(s => !string.IsNullOrEmpty(s)));
            string line = arrow.Claimed ? "-->" : "-.->";
            text.Append(label.Length == 0
                ? $"    {ids[arrow.From]} {line} {ids[arrow.To]}\n"
                : $"    {ids[arrow.From]} {line}|\"{Escape(label)}\"| {ids[arrow.To]}\n");
        }
        return text.Append("```\n").ToString();
    }

    // Mermaid labels are quoted; quotes and pipes would end them, angle brackets would read as HTML.
    static string Escape(string text) => text.Replace("\"", "#quot;").Replace("|", "#124;").Replace("<br/>", "\u0001")
        .Replace("<", "#lt;").Replace(">", "#gt;").Replace("\u0001", "<br/>");
}
