using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Discover;

/// <summary>Input that `circuit discover` refuses, with located diagnostics (exit 2, and nothing written).</summary>
public sealed class DiscoverInputException(IReadOnlyList<Diagnostic> diagnostics, LoadedSources sources)
    : Exception(string.Join("; ", diagnostics.Select(d => d.Message)))
{
    public IReadOnlyList<Diagnostic> Diagnostics => diagnostics;
    public LoadedSources Sources => sources;
}
