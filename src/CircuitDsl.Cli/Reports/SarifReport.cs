using System.Reflection;
using System.Text;
using System.Text.Json;
using CircuitDsl.Language.Diagnostics;

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

/// <summary>A problem in a file, located: its rule (code, title, severity), its message and its place.</summary>
public sealed record SarifResult(string Code, string Title, DiagnosticSeverity Severity, string Message, ReportLocation Location);

/// <summary>Something about the run that is not a problem in a file (a skipped hypothesis), at a place in a file.</summary>
public sealed record SarifNote(string Message, ReportLocation Location);

/// <summary>
/// Located problems as a SARIF 2.1.0 log (what GitHub code scanning and editors read), written by hand with
/// System.Text.Json: one run, one rule per code used (rule id = code), one result per problem, in the order given.
/// Notes become the invocation's tool execution notifications (level "note"), which code scanning does not raise as
/// alerts. File URIs are relative to the <c>SRCROOT</c> base, which the log maps to the base folder.
/// </summary>
public static class SarifReport
{
    public const string Version = "2.1.0";
    public const string Schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    public const string SourceRootId = "SRCROOT";

    /// <summary>Diagnostics in source order, each located by <paramref name="locator"/> (whose base folder is the log's).</summary>
    public static string ToJson(IEnumerable<Diagnostic> diagnostics, DiagnosticLocator locator, SarifTool tool) =>
        ToJson(diagnostics.InSourceOrder().Select(d => new SarifResult(d.Code, d.Descriptor.Title, d.Severity, d.Message, locator.Locate(d))), [],
            locator.BaseDirectory, tool);

    public static string ToJson(IEnumerable<SarifResult> results, IEnumerable<SarifNote> notes, string baseDirectory, SarifTool tool)
    {
        using var stream = new MemoryStream();
        Write(stream, results, notes, baseDirectory, tool);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Write(Stream stream, IEnumerable<SarifResult> results, IEnumerable<SarifNote> notes, string baseDirectory, SarifTool tool)
    {
        var ordered = results.ToList();
        var rules = ordered.DistinctBy(r => r.Code).OrderBy(r => r.Code, StringComparer.Ordinal).ToList();
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
        json.WriteString("uri", new Uri(Path.GetFullPath(baseDirectory).TrimEnd('/', '\\') + "/").AbsoluteUri);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartArray("results");
        foreach (var result in ordered)
        {
            WriteResult(json, result, ruleIndex[result.Code]);
        }

        json.WriteEndArray();
        if (notes.ToList() is { Count: > 0 } notifications)
        {
            WriteInvocation(json, notifications);
        }

        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteTool(Utf8JsonWriter json, SarifTool tool, List<SarifResult> rules)
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

    static void WriteResult(Utf8JsonWriter json, SarifResult result, int ruleIndex)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", result.Code);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(result.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", result.Message);
        json.WriteEndObject();
        WriteLocations(json, result.Location);
        json.WriteEndObject();
    }

    static void WriteInvocation(Utf8JsonWriter json, List<SarifNote> notes)
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
            WriteLocations(json, note.Location);
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
