using System.Text.Json;

namespace CircuitDsl.Cli.Check;

/// <summary>A statistic that moved the wrong way by more than its interval since the baseline report.</summary>
public sealed record Regression(string File, string Hypothesis, string Check, string Statistic, double Before, double After, double Tolerance)
{
    public override string ToString() =>
        $"{File}: {Hypothesis} / {Check}: {Statistic} moved from {ReportFormatting.Number(Before)} to {ReportFormatting.Number(After)} " +
        $"(more than the interval's ±{ReportFormatting.Number(Tolerance)})";
}

/// <summary>
/// Compares a run with an earlier JSON report (`--baseline results.json`): an expectation's statistic regresses when it
/// moves toward failing by more than the larger half-width of the two 95% intervals, whether or not it still passes.
/// </summary>
public static class BaselineComparison
{
    public static IReadOnlyList<Regression> Compare(CheckReport current, string baselineJson, string baselinePath)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(baselineJson);
        }
        catch (JsonException e)
        {
            throw new FormatException($"{baselinePath}: not a circuit check JSON report ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("schemaVersion", out var version) || version.GetInt32() != CheckReport.CurrentSchemaVersion)
                throw new FormatException($"{baselinePath}: schema version {(root.TryGetProperty("schemaVersion", out var v) ? v.ToString() : "missing")}, expected {CheckReport.CurrentSchemaVersion}; regenerate it with --update-baseline");
            var before = Statistics(root);
            var regressions = new List<Regression>();
            foreach (var file in current.Files)
                foreach (var h in file.Hypotheses)
                    foreach (var c in h.Checks.Where(c => c.Expectation is not null))
                    {
                        var e = c.Expectation!;
                        if (!before.TryGetValue((file.Path, h.Name, c.Name, e.Statistic), out var old)) continue;
                        double tolerance = Math.Max((old.High - old.Low) / 2, (e.Value.High - e.Value.Low) / 2);
                        double worse = e.Operator.StartsWith('>') ? old.Value - e.Value.Value : e.Value.Value - old.Value;
                        if (worse > tolerance)
                            regressions.Add(new Regression(file.Path, h.Name, c.Name, e.Statistic, old.Value, e.Value.Value, tolerance));
                    }
            return regressions;
        }
    }

    static Dictionary<(string, string, string, string), (double Value, double Low, double High)> Statistics(JsonElement root)
    {
        var result = new Dictionary<(string, string, string, string), (double, double, double)>();
        foreach (var file in root.GetProperty("files").EnumerateArray())
            foreach (var h in file.GetProperty("hypotheses").EnumerateArray())
                foreach (var c in h.GetProperty("checks").EnumerateArray())
                    foreach (var s in c.GetProperty("statistics").EnumerateObject())
                        result[(file.GetProperty("path").GetString()!, h.GetProperty("name").GetString()!, c.GetProperty("name").GetString()!, s.Name)] =
                            (s.Value.GetProperty("value").GetDouble(), s.Value.GetProperty("low").GetDouble(), s.Value.GetProperty("high").GetDouble());
        return result;
    }
}
