using System.Text;

namespace CircuitDsl.Cli.Diff;

/// <summary>Text made safe for GitHub-flavoured Markdown table cells: no line breaks, pipes escaped.</summary>
public static class Markdown
{
    /// <summary>A code span whose fence is longer than any backtick run inside it; empty text is an empty cell.</summary>
    public static string Code(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        string flat = Flat(text).Replace("|", "\\|");
        int longestRun = 0, run = 0;
        foreach (char c in flat)
        {
            run = c == '`' ? run + 1 : 0;
            longestRun = Math.Max(longestRun, run);
        }

        string fence = new('`', longestRun + 1);
        string pad = flat.StartsWith('`') || flat.EndsWith('`') ? " " : string.Empty;
        return fence + pad + flat + pad + fence;
    }

    /// <summary>Prose with Markdown's and HTML's special characters escaped.</summary>
    public static string Text(string text)
    {
        var escaped = new StringBuilder();
        foreach (char c in Flat(text))
        {
            if (c is '\\' or '`' or '*' or '_' or '[' or ']' or '<' or '>' or '#' or '~' or '|')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>A table row from cells that are already escaped.</summary>
    public static string Row(params IEnumerable<string> cells) => "| " + string.Join(" | ", cells) + " |";

    // A line break would end the table row. (Inside a table a raw '|' ends the cell even in a code span, so
    // pipes are escaped as '\|', which GitHub reads as a literal pipe in code spans too.)
    static string Flat(string text) => text.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
}
