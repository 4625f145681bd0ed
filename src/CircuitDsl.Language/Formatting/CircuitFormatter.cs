using System.Text;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Formatting;

/// <summary>
/// Prints a parsed file in the one canonical layout: one statement per line, two spaces per level (members
/// of a hypothesis, then a node's input clauses), single blank lines kept where the author had one or more,
/// a blank line around every top-level hypothesis, the file's own line ending, one final line break.
/// Every comment is kept: a comment that followed a statement on its line stays there; any other comment
/// gets its own line before the statement that follows it (a comment in the middle of a statement moves
/// above that statement). Files with syntax errors are never formatted.
/// </summary>
public static class CircuitFormatter
{
    private const int IndentWidth = 2;

    /// <summary>One output line and the source range it stands for (used to place comments).</summary>
    private sealed record Line(int Depth, string Text, int SourceStart, int SourceEnd, LineRole Role)
    {
        public List<Comment> Leading { get; } = [];

        public List<Comment> Trailing { get; } = [];
    }

    private enum LineRole
    {
        Statement,
        InputClause,
        HypothesisOpen,
        HypothesisClose,
        EndOfFile,
    }

    /// <summary>The canonical text of a tree that has no syntax errors.</summary>
    public static string Format(SyntaxTree tree)
    {
        if (tree.HasErrors)
        {
            throw new InvalidOperationException("A file with syntax errors cannot be formatted; report its diagnostics instead.");
        }

        var source = tree.Source;
        var lines = new List<Line>();
        foreach (var statement in tree.Root.Statements)
        {
            AddStatement(lines, statement, depth: 0, source);
        }

        lines.Add(new Line(0, string.Empty, source.Text.Length, source.Text.Length, LineRole.EndOfFile));
        PlaceComments(lines, tree.Comments, source.Text);
        return Render(lines, source);
    }

    private static void AddStatement(List<Line> lines, StatementSyntax statement, int depth, SourceText source)
    {
        switch (statement)
        {
            case HypothesisSyntax hypothesis:
            {
                int openEnd = Lexer.Next(source.Text, (hypothesis.Description?.Span ?? hypothesis.Name.Span).End).End;
                lines.Add(new Line(depth, SyntaxPrinter.Header(hypothesis), hypothesis.Span.Offset, openEnd, LineRole.HypothesisOpen));
                foreach (var member in hypothesis.Members)
                {
                    AddStatement(lines, member, depth + 1, source);
                }

                lines.Add(new Line(depth + 1, "}", hypothesis.Span.End - 1, hypothesis.Span.End, LineRole.HypothesisClose));
                break;
            }

            case NodeSyntax node:
            {
                int headerEnd = (node.Computes?.Span ?? node.At?.Span ?? node.Components[^1].Span).End;
                lines.Add(new Line(depth, SyntaxPrinter.Header(node), node.Span.Offset, headerEnd, LineRole.Statement));
                foreach (var input in node.Inputs)
                {
                    lines.Add(new Line(depth + 1, SyntaxPrinter.Header(input), input.Span.Offset, input.Span.End, LineRole.InputClause));
                }

                break;
            }

            default:
                lines.Add(new Line(depth, SyntaxPrinter.Header(statement), statement.Span.Offset, statement.Span.End, LineRole.Statement));
                break;
        }
    }

    /// <summary>Trailing when on the line where the previous line's source ends; otherwise before the next line.</summary>
    private static void PlaceComments(List<Line> lines, IReadOnlyList<Comment> comments, string text)
    {
        int next = 0;
        foreach (var comment in comments)
        {
            while (next < lines.Count && lines[next].SourceStart <= comment.Start)
            {
                next++;
            }

            var previous = next > 0 ? lines[next - 1] : null;
            if (previous is not null && comment.Start < previous.SourceEnd)
            {
                previous.Leading.Add(comment); // inside a statement: moves above it
            }
            else if (previous is not null && previous.Role != LineRole.EndOfFile && OnSameLine(text, previous.SourceEnd, comment.Start))
            {
                previous.Trailing.Add(comment);
            }
            else
            {
                lines[Math.Min(next, lines.Count - 1)].Leading.Add(comment);
            }
        }
    }

    private static string Render(List<Line> lines, SourceText source)
    {
        string text = source.Text;
        var output = new StringBuilder();
        Line? previousLine = null;
        int previousEnd = 0;
        foreach (var line in lines)
        {
            // Comments before a closing brace are indented like the members above them.
            int lineDepth = line.Role == LineRole.HypothesisClose ? line.Depth - 1 : line.Depth;
            bool firstItem = true;
            foreach (var comment in line.Leading)
            {
                AppendBlankLineIfNeeded(comment.Start);
                output.Append(' ', line.Depth * IndentWidth).Append(comment.Text).Append('\n');
                previousEnd = comment.End;
            }

            if (line.Role == LineRole.EndOfFile)
            {
                break;
            }

            AppendBlankLineIfNeeded(line.SourceStart);
            output.Append(' ', lineDepth * IndentWidth).Append(line.Text);
            foreach (var comment in line.Trailing)
            {
                output.Append("  ").Append(comment.Text);
            }

            output.Append('\n');
            previousLine = line;
            previousEnd = line.Trailing.Count > 0 ? line.Trailing[^1].End : line.SourceEnd;

            void AppendBlankLineIfNeeded(int itemStart)
            {
                bool blank = output.Length > 0
                    && AllowsBlankLineBefore(previousLine, line)
                    && (BlankLineBetween(text, previousEnd, itemStart) || (firstItem && ForcesBlankLine(previousLine, line)));
                if (blank)
                {
                    output.Append('\n');
                }

                firstItem = false;
            }
        }

        string result = output.ToString();
        return source.LineEnding == "\n" ? result : result.Replace("\n", source.LineEnding, StringComparison.Ordinal);
    }

    private static bool AllowsBlankLineBefore(Line? previous, Line line) =>
        previous?.Role != LineRole.HypothesisOpen && line.Role is not (LineRole.InputClause or LineRole.HypothesisClose);

    private static bool ForcesBlankLine(Line? previous, Line line) =>
        previous is not null && line.Depth == 0 && line.Role != LineRole.EndOfFile
        && (line.Role == LineRole.HypothesisOpen || previous.Role == LineRole.HypothesisClose);

    private static bool OnSameLine(string text, int from, int to) =>
        from <= to && !text.AsSpan(from, to - from).ContainsAny('\n', '\r');

    /// <summary>True when the text between two offsets holds an empty line.</summary>
    private static bool BlankLineBetween(string text, int from, int to)
    {
        if (from >= to)
        {
            return false;
        }

        int breaks = 0;
        foreach (char c in text.AsSpan(from, to - from))
        {
            if (c == '\n')
            {
                breaks++;
            }
            else if (c == '\r')
            {
                continue;
            }
            else if (!char.IsWhiteSpace(c))
            {
                breaks = 0; // something that is not blank restarts the count
            }

            if (breaks >= 2)
            {
                return true;
            }
        }

        return false;
    }
}
