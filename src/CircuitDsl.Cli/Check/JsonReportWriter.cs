using System.Text;
using System.Text.Json;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// The JSON report (schema in docs/report-schema.md): properties in a fixed order, numbers in round-trip form,
/// invariant culture, so the same run gives the same bytes; a non-finite number is null.
/// </summary>
public static class JsonReportWriter
{
    public static string Write(CheckReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", report.SchemaVersion);
            json.WriteStartObject("tool");
            json.WriteString("circuitdsl", report.Tool.CircuitDsl);
            json.WriteString("torchsharp", report.Tool.TorchSharp);
            json.WriteString("roslyn", report.Tool.Roslyn);
            json.WriteString("dotnet", report.Tool.DotNet);
            json.WriteEndObject();
            json.WriteBoolean("allExpectationsHold", report.AllExpectationsHold);
            json.WriteStartArray("files");
            foreach (var file in report.Files) WriteFile(json, file);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    static void WriteFile(Utf8JsonWriter json, FileReport file)
    {
        json.WriteStartObject();
        json.WriteString("path", file.Path);
        json.WriteString("sha256", file.Sha256);
        json.WriteString("status", file.Status);
        json.WriteStartArray("diagnostics");
        foreach (var d in file.Diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("code", d.Code);
            json.WriteString("severity", d.SeverityWord);
            json.WriteString("message", d.Message);
            json.WriteString("file", d.File); // an error in an imported file is at that file, not at this one
            json.WriteNumber("line", d.Line);
            json.WriteNumber("column", d.Column);
            json.WriteNumber("endLine", d.EndLine);
            json.WriteNumber("endColumn", d.EndColumn);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("hypotheses");
        foreach (var h in file.Hypotheses) WriteHypothesis(json, h);
        json.WriteEndArray();
        json.WriteStartArray("skipped");
        foreach (var s in file.Skipped)
        {
            json.WriteStartObject();
            json.WriteString("hypothesis", s.Name);
            json.WriteString("model", s.Model);
            json.WriteString("reason", s.Reason);
            json.WriteNumber("line", s.Line);
            json.WriteNumber("column", s.Column);
            json.WriteStartArray("expectations");
            foreach (string statement in s.Expectations) json.WriteStringValue(statement);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    static void WriteHypothesis(Utf8JsonWriter json, HypothesisReport h)
    {
        json.WriteStartObject();
        json.WriteString("name", h.Name);
        if (h.Description is not null) json.WriteString("description", h.Description);
        json.WriteString("model", h.Model);
        json.WriteString("modelSha256", h.ModelSha256);
        json.WriteString("weights", h.Weights);
        json.WriteString("data", h.Data);
        json.WriteNumber("examples", h.Examples);
        json.WriteString("metric", h.Metric);
        json.WriteNumber("seed", h.Seed);
        json.WriteBoolean("reused", h.Reused);
        json.WriteStartArray("checks");
        foreach (var c in h.Checks)
        {
            json.WriteStartObject();
            json.WriteString("name", c.Result.Name);
            json.WriteString("kind", c.Result.Kind);
            json.WriteStartObject("statistics");
            foreach (var (name, estimate) in c.Result.Statistics.Select(s => (s.Key.Spelling(), s.Value)).OrderBy(s => s.Item1, StringComparer.Ordinal))
                WriteEstimate(json, name, estimate);
            json.WriteEndObject();
            json.WriteStartObject("method");
            foreach (var (key, value) in c.Result.Method.OrderBy(m => m.Key, StringComparer.Ordinal))
                json.WriteString(key, value);
            json.WriteEndObject();
            if (c.Expectation is { } e)
            {
                json.WriteStartObject("expectation");
                json.WriteString("statement", e.Statement);
                json.WriteString("statistic", e.Statistic.Spelling());
                json.WriteString("operator", e.Operator.Spelling());
                WriteFinite(json, "threshold", e.Threshold);
                json.WriteBoolean("passed", e.Passed);
                json.WriteBoolean("intervalAgrees", e.IntervalAgrees);
                json.WriteNumber("line", e.Line);
                json.WriteNumber("column", e.Column);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (h.Sensitivity is { } sensitivity) Sensitivity.SensitivityJsonWriter.Write(json, sensitivity, WriteEstimate);
        json.WriteEndObject();
    }

    /// <summary>JSON has no NaN or Infinity (Utf8JsonWriter refuses them): a non-finite number is written as null.</summary>
    static void WriteFinite(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value);
        else json.WriteNull(name);
    }

    static void WriteEstimate(Utf8JsonWriter json, string name, Estimate e)
    {
        json.WriteStartObject(name);
        WriteFinite(json, "value", e.Value);
        WriteFinite(json, "low", e.Low);
        WriteFinite(json, "high", e.High);
        json.WriteNumber("examples", e.Examples);
        json.WriteNumber("positions", e.Positions);
        json.WriteString("interval", e.Interval);
        json.WriteEndObject();
    }
}
