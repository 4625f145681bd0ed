using System.Globalization;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Diagnostics;

/// <summary>
/// One entry of the diagnostics catalogue: a stable code, its severity and a message template
/// (<see cref="string.Format(IFormatProvider, string, object[])"/> placeholders).
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title, string MessageFormat)
{
    /// <summary>Makes a diagnostic of this kind at a span.</summary>
    public Diagnostic Create(SourceSpan span, params object?[] arguments) =>
        new(this, span, string.Format(CultureInfo.InvariantCulture, MessageFormat, arguments));
}
