using System.Reflection;
using System.Text;
using System.Text.Json;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Cli.Reports;

/// <summary>The tool a SARIF log names: the name, version and home page, and the page that explains the rules.</summary>
public sealed record SarifTool(string Name, string Version, string InformationUri, string? RulesHelpUri)
{
    /// <summary>
    /// The circuit command. Its address is the project's home; the rules are explained in the language
    /// reference's diagnostics table.
    /// </summary>
    public static SarifTool Circuit { get; } = new(
        "circuit",
        typeof(SarifTool).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0",
        ProjectHome,
        ProjectHome + "/blob/main/grammar/language-reference.md#13-diagnostics");

    const string ProjectHome = "https://github.com/circuitdsl/circuitdsl";
}

/// <summary>Something about the run that is not a problem in a file (a skipped hypothesis), at a place in a file.</summary>
public sealed record SarifNote(string Message, SourceSpan Span);

/// <summary>
/// Diagnostics as a SARIF 2.1.0 log (what GitHub code scanning and editors read), written by hand with
/// System.Text.Json: one run, one rule per diagnostic code used (rule id = code), one result per diagnostic.
/// Notes become the invocation's tool execution notifications (level "note"), which code scanning does not raise as
/// alerts. File URIs are relative to the <c>SRCROOT</c> base, which the log maps to the locator's base folder.
/// </summary>
public static class SarifReport
{
    public const string Version = "2.1.0";
    public const string Schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    public const string SourceRootId = "SRCROOT";

    public static string ToJson(IEnumerable<Diagnostic> diagnostics, DiagnosticLocator locator, SarifTool tool, IEnumerable<SarifNote>? notes = null)
    {
        using var stream = new MemoryStream();
        Write(stream, diagnostics, locator, tool, notes);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Stream stream, IEnumerable<Diagnostic> diagnostics, DiagnosticLocator locator, SarifTool tool, IEnumerable<SarifNote>? notes = null)
    {
        var ordered = diagnostics.InSourceOrder();
        var rules = ordered.Select(d => d.Descriptor).DistinctBy(d => d.Code).OrderBy(d => d.Code, StringComparer.Ordinal).ToList();
        var ruleIndex = rules.Select((rule, i) => (rule.Code, i)).ToDictionary(r => r.Code, r => r.i, StringComparer.Ordinal);

        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("version", Version);
        json.WriteString("$schema", Schema);
        json.WriteStartArray("runs");
        json.WriteStartObject();
        WriteTool(json, tool, rules);
        json.WriteStartObject("originalUriBaseIds");
        json.WriteStartObject(SourceRootId);
        json.WriteString("uri", new Uri(locator.BaseDirectory.TrimEnd('/', '\\') + "/").AbsoluteUri);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("results");
        foreach (var diagnostic in ordered)
        {
            WriteResult(json, diagnostic, ruleIndex[diagnostic.Code], locator.Locate(diagnostic));
        }

        json.WriteEndArray();
        if (notes?.ToList() is { Count: > 0 } notifications)
        {
            WriteInvocation(json, notifications, locator);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteTool(Utf8JsonWriter json, SarifTool tool, List<DiagnosticDescriptor> rules)
    {
        json.WriteStartObject("tool");
        json.WriteStartObject("driver");
        json.WriteString("name", tool.Name);
        json.WriteString("version", tool.Version);
        json.WriteString("informationUri", tool.InformationUri);
        json.WriteStartArray("rules");
        foreach (var rule in rules)
        {
            json.WriteStartObject();
            json.WriteString("id", rule.Code);
            json.WriteString("name", Pascal(rule.Title));
            json.WriteStartObject("shortDescription");
            json.WriteString("text", rule.Title);
            json.WriteEndObject();
            if (tool.RulesHelpUri is not null)
            {
                json.WriteString("helpUri", tool.RulesHelpUri);
            }

            json.WriteStartObject("defaultConfiguration");
            json.WriteString("level", Level(rule.Severity));
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    static void WriteResult(Utf8JsonWriter json, Diagnostic diagnostic, int ruleIndex, ReportLocation location)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", diagnostic.Code);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(diagnostic.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", diagnostic.Message);
        json.WriteEndObject();
        WriteLocations(json, location);
        json.WriteEndObject();
    }

    static void WriteInvocation(Utf8JsonWriter json, List<SarifNote> notes, DiagnosticLocator locator)
    {
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", true);
        json.WriteStartArray("toolExecutionNotifications");
        foreach (var note in notes)
        {
            json.WriteStartObject();
            json.WriteString("level", "note");
            json.WriteStartObject("message");
            json.WriteString("text", note.Message);
            json.WriteEndObject();
            WriteLocations(json, locator.Locate(note.Span));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    static void WriteLocations(Utf8JsonWriter json, ReportLocation location)
    {
        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", location.IsRelative ? EscapePath(location.Path) : new Uri(location.Path).AbsoluteUri);
        if (location.IsRelative)
        {
            json.WriteString("uriBaseId", SourceRootId);
        }

        json.WriteEndObject();
        if (location.HasRegion)
        {
            json.WriteStartObject("region");
            json.WriteNumber("startLine", location.StartLine);
            json.WriteNumber("startColumn", location.StartColumn);
            json.WriteNumber("endLine", location.EndLine);
            json.WriteNumber("endColumn", location.EndColumn);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    static string Level(DiagnosticSeverity severity) => severity == DiagnosticSeverity.Error ? "error" : "warning";

    // A relative URI reference: each segment percent-encoded (spaces, '#', '%'), the slashes kept.
    static string EscapePath(string relative) => string.Join('/', relative.Split('/').Select(Uri.EscapeDataString));

    // SARIF rule names are PascalCase identifiers: "Layer out of range" -> "LayerOutOfRange".
    static string Pascal(string title) =>
        string.Concat(title.Split([' ', '-', '\'', '/'], StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
