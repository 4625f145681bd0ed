using System.Text.Json;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Cli.Check.Sensitivity;

/// <summary>The "sensitivity" object of a hypothesis in the JSON report (docs/report-schema.md), in a fixed order.</summary>
internal static class SensitivityJsonWriter
{
    public static void Write(Utf8JsonWriter json, SensitivityReport s, Action<Utf8JsonWriter, string, Estimate> estimate)
    {
        json.WriteStartObject("sensitivity");
        json.WriteNumber("alternativeChecks", s.AlternativeChecks);
        json.WriteNumber("experimentRuns", s.ExperimentRuns);
        json.WriteNumber("forwardPasses", s.ForwardPasses);
        json.WriteNumber("marked", s.Marked.Count());
        json.WriteStartArray("claims");
        foreach (var row in s.Rows)
        {
            json.WriteStartObject();
            json.WriteString("expectation", row.Id.Value);
            json.WriteString("statement", row.Statement);
            json.WriteString("kind", row.Kind);
            json.WriteNumber("line", row.Line);
            json.WriteNumber("column", row.Column);
            json.WriteBoolean("passed", row.Passed);
            if (row.NotApplicable is not null) json.WriteString("notApplicable", row.NotApplicable);
            json.WriteStartArray("marks");
            foreach (string note in row.MarkNotes) json.WriteStringValue(note);
            json.WriteEndArray();
            json.WriteStartArray("choices");
            foreach (var choice in row.Choices)
            {
                json.WriteStartObject();
                json.WriteString("choice", choice.Name);
                json.WriteBoolean("justified", choice.Justified);
                json.WriteString("justification", choice.Justification);
                json.WriteBoolean("flips", choice.Flips(row.Passed));
                json.WriteStartArray("options");
                foreach (var o in choice.Options)
                {
                    json.WriteStartObject();
                    json.WriteString("option", o.Label);
                    json.WriteBoolean("asRun", o.AsRun);
                    if (o.Value is { } v) estimate(json, "value", v);
                    if (o.Passed is { } passed) json.WriteBoolean("passed", passed);
                    if (o.NotRun is not null) json.WriteString("notRun", o.NotRun);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
