using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Diagnostics;

/// <summary>A message about a place in a .circuit file: what kind (descriptor), where (span) and the text.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceSpan Span, string Message)
{
    /// <summary>The stable code, e.g. CD2003.</summary>
    public string Code => Descriptor.Code;

    /// <summary>Error or warning.</summary>
    public DiagnosticSeverity Severity => Descriptor.Severity;

    /// <summary>True for errors.</summary>
    public bool IsError => Severity == DiagnosticSeverity.Error;

    /// <inheritdoc />
    public override string ToString() =>
        $"{Span.File}:{Span.Line}:{Span.Column}: {Severity.ToString().ToLowerInvariant()} {Code}: {Message}";
}

/// <summary>Helpers over lists of diagnostics.</summary>
public static class DiagnosticListExtensions
{
    /// <summary>True when any diagnostic is an error.</summary>
    public static bool HasErrors(this IEnumerable<Diagnostic> diagnostics) => diagnostics.Any(d => d.IsError);

    /// <summary>Diagnostics in reading order: by file, then by position, then by code.</summary>
    public static IReadOnlyList<Diagnostic> InSourceOrder(this IEnumerable<Diagnostic> diagnostics) =>
        [.. diagnostics
            .OrderBy(d => d.Span.File, StringComparer.Ordinal)
            .ThenBy(d => d.Span.Offset)
            .ThenBy(d => d.Code, StringComparer.Ordinal)];
}
