using System.Text;
using CircuitDsl.Compiler.Roslyn;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>
/// Writes generated C# line by line with four-space indentation and '\n' line ends (byte-for-byte stable). User
/// expressions go through <see cref="UserExpression"/>, which maps them to their .circuit span and returns to
/// <c>#line hidden</c>, so every other line is visibly the compiler's.
/// </summary>
internal sealed class CSharpWriter
{
    const int IndentWidth = 4;
    readonly StringBuilder text = new();
    int depth;

    public CSharpWriter Line(string line = "")
    {
        if (line.Length > 0) text.Append(' ', depth * IndentWidth).Append(line);
        text.Append('\n');
        return this;
    }

    /// <summary>A line at column 1 whatever the indentation (preprocessor directives).</summary>
    public CSharpWriter Directive(string directive)
    {
        text.Append(directive).Append('\n');
        return this;
    }

    public CSharpWriter Open(string line)
    {
        Line(line).Line("{");
        depth++;
        return this;
    }

    public CSharpWriter Close(string closing = "}")
    {
        depth--;
        return Line(closing);
    }

    public IDisposable Indented()
    {
        depth++;
        return new Outdent(this);
    }

    /// <summary>
    /// The expression's text as written, at this indentation, followed by <paramref name="suffix"/>. Continuation
    /// lines are copied unchanged: after the first line, the enhanced #line maps columns one to one, and the
    /// copied lines keep their .circuit columns.
    /// </summary>
    public CSharpWriter UserExpression(string expression, SourceSpan span, string suffix)
    {
        int before = depth * IndentWidth;
        var (endLine, endColumn) = EndOf(expression, span);
        Directive(LineDirectives.MapNextLine(new SourceRange(span.File, span.Line, span.Column, endLine, endColumn), before));
        text.Append(' ', before).Append(expression).Append(suffix).Append('\n');
        return Directive(LineDirectives.Hidden);
    }

    /// <summary>The 1-based line and (exclusive) column just past <paramref name="expression"/> in its file.</summary>
    static (int Line, int Column) EndOf(string expression, SourceSpan span)
    {
        int lastBreak = expression.LastIndexOf('\n');
        int lines = expression.Count(c => c == '\n');
        return lastBreak < 0 ? (span.Line, span.Column + expression.Length) : (span.Line + lines, expression.Length - lastBreak);
    }

    public override string ToString() => text.ToString();

    sealed class Outdent(CSharpWriter writer) : IDisposable
    {
        public void Dispose() => writer.depth--;
    }
}
