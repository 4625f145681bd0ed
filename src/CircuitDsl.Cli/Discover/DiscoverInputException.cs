using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Cli.Discover;

/// <summary>Input that `circuit discover` or `circuit import` refuses, with located diagnostics (exit 2, and nothing written).</summary>
public sealed class DiscoverInputException(IReadOnlyList<Diagnostic> diagnostics, Func<string, SourceText?> sources)
    : Exception(string.Join("; ", diagnostics.Select(d => d.Message)))
{
    public IReadOnlyList<Diagnostic> Diagnostics => diagnostics;

    /// <summary>The text of each file a diagnostic names (for the source line under the message).</summary>
    public Func<string, SourceText?> Sources => sources;
}
