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

    /// <summary>Every descriptor a catalogue class declares as a public static field, in code order.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> DeclaredIn(Type catalogue) =>
        [.. catalogue.GetFields()
            .Where(f => f.IsStatic && f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Code, StringComparer.Ordinal)];
}
