using System.Diagnostics;

namespace CircuitDsl.Compiler.Roslyn;

/// <summary>A place in a .circuit file that a stack frame of compiled code maps to (1-based line and column).</summary>
public readonly record struct CircuitFrame(string File, int Line, int Column);

/// <summary>
/// Finds where in a .circuit file compiled code failed. Every causal variable is compiled under <c>#line</c>
/// directives into its .circuit span and loaded with its portable PDB, so the runtime's own stack-trace machinery
/// already names the .circuit file, line and column of a frame of generated code.
/// </summary>
public static class CircuitFrames
{
    public const string Extension = ".circuit";

    /// <summary>The innermost frame of <paramref name="exception"/> that lies in a .circuit file, if any.</summary>
    public static CircuitFrame? Innermost(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, fNeedFileInfo: true).GetFrames())
            if (frame.GetFileName() is { } file && file.EndsWith(Extension, StringComparison.Ordinal) && frame.GetFileLineNumber() > 0)
                return new CircuitFrame(file, frame.GetFileLineNumber(), Math.Max(1, frame.GetFileColumnNumber()));
        return null;
    }
}
