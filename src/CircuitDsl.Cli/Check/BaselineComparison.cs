using System.Text.Json;

namespace CircuitDsl.Cli.Check;

/// <summary>A statistic that moved the wrong way by more than its interval since the baseline report.</summary>
public sealed record Regression(string File, string Hypothesis, string Check, Statistic Statistic, double Before, double After, double Tolerance)
{
    public override string ToString() =>
        $"{File}: {Hypothesis} / {Check}: {Statistic.Spelling()} moved from {ReportFormatting.Number(Before)} to {ReportFormatting.Number(After)} " +
        $"(more than the interval's ±{ReportFormatting.Number(Tolerance)})";
}

/// <summary>
/// An earlier JSON report (`--baseline results.json`), read and checked whole before anything runs: a file that is
/// not such a report is an input error naming the place that is wrong, never a crash after minutes of work.
/// </summary>
public sealed class Baseline
{
    readonly Dictionary<(string File, string Hypothesis, string Check, Statistic Statistic), (double Value, double Low, double High)> statistics;

    Baseline(Dictionary<(string, string, string, Statistic), (double, double, double)> statistics) => this.statistics = statistics;

    public static Baseline Load(string path)
    {
        if (InputFiles.Inspect(path).Kind == InputFileKind.Missing)
            throw new UsageException($"--baseline {path}: no such file (write one with --update-baseline)");
        if (!InputFiles.TryReadBounded(path, ResourceLimits.MaxReportFileBytes, nameof(ResourceLimits.MaxReportFileBytes), out var bytes, out string error))
            throw new UsageException($"--baseline {path}: {error}");
        return Parse(System.Text.Encoding.UTF8.GetString(bytes), path);
    }

    public static Baseline Parse(string json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return new Baseline(Read(new Element(document.RootElement, "$")));
        }
        catch (JsonException e)
        {
            throw new FormatException($"--baseline {path}: not JSON ({e.Message})");
        }
        catch (ShapeException e)
        {
            throw new FormatException($"--baseline {path}: not a circuit check JSON report: {e.Message}");
        }
    }

    /// <summary>
    /// Each expectation's statistic that moved toward failing by more than the larger half-width of the two 95%
    /// intervals, whether or not it still passes. Statistics that are not numbers on either side are not compared
    /// (their expectation fails on its own).
    /// </summary>
    public IReadOnlyList<Regression> Compare(CheckReport current) => Compare(current, out _);

    /// <inheritdoc cref="Compare(CheckReport)"/>
    /// <param name="unmatched">The expectations of this run that the baseline does not have ("file: hypothesis / check").</param>
    public IReadOnlyList<Regression> Compare(CheckReport current, out IReadOnlyList<string> unmatched)
    {
        var regressions = new List<Regression>();
        var missing = new List<string>();
        unmatched = missing;
        foreach (var file in current.Files)
            foreach (var h in file.Hypotheses)
                foreach (var c in h.Checks.Where(c => c.Expectation is not null))
                {
                    var e = c.Expectation!;
                    if (!statistics.TryGetValue((file.Path, h.Name, c.Result.Name, e.Statistic), out var old))
                    {
                        missing.Add($"{file.Path}: {h.Name} / {c.Result.Name}");
                        continue;
                    }
                    double tolerance = Math.Max((old.High - old.Low) / 2, (e.Value.High - e.Value.Low) / 2);
                    double worse = e.Operator.WantsLarger() ? old.Value - e.Value.Value : e.Value.Value - old.Value;
                    if (worse > tolerance)
                        regressions.Add(new Regression(file.Path, h.Name, c.Result.Name, e.Statistic, old.Value, e.Value.Value, tolerance));
                }
        return regressions;
    }

    static Dictionary<(string, string, string, Statistic), (double, double, double)> Read(Element root)
    {
        var version = root.Property("schemaVersion");
        if (version.Value.ValueKind != JsonValueKind.Number || !version.Value.TryGetInt32(out int v) || v != CheckReport.CurrentSchemaVersion)
            throw new ShapeException($"schema version {version.Value.GetRawText()}, expected {CheckReport.CurrentSchemaVersion}; regenerate it with --update-baseline");
        var result = new Dictionary<(string, string, string, Statistic), (double, double, double)>();
        foreach (var file in root.Property("files").Items())
        {
            string path = file.Property("path").Text();
            foreach (var h in file.Property("hypotheses").Items())
            {
                string hypothesis = h.Property("name").Text();
                foreach (var c in h.Property("checks").Items())
                {
                    string check = c.Property("name").Text();
                    // A statistic this version does not report can match nothing of this run; it is passed over.
                    foreach (var s in c.Property("statistics").Properties())
                        if (StatisticSpellings.TryParse(s.Name, out var statistic) && s.Property("value").NumberOrNull() is { } value)
                            result[(path, hypothesis, check, statistic)] = (value, s.Property("low").NumberOrNull() ?? value, s.Property("high").NumberOrNull() ?? value);
                }
            }
        }
        return result;
    }

    sealed class ShapeException(string message) : Exception(message);

    /// <summary>A JSON value with its path ($.files[0].name), so a wrong shape is reported where it is.</summary>
    readonly record struct Element(JsonElement Value, string Path, string Name = "")
    {
        public Element Property(string name)
        {
            if (Value.ValueKind != JsonValueKind.Object) throw Wrong("an object");
            return Value.TryGetProperty(name, out var child) ? new Element(child, $"{Path}.{name}", name) : throw new ShapeException($"{Path}.{name} is missing");
        }

        public IEnumerable<Element> Items()
        {
            if (Value.ValueKind != JsonValueKind.Array) throw Wrong("an array");
            int i = 0;
            foreach (var item in Value.EnumerateArray()) yield return new Element(item, $"{Path}[{i++}]");
        }

        public IEnumerable<Element> Properties()
        {
            if (Value.ValueKind != JsonValueKind.Object) throw Wrong("an object");
            foreach (var p in Value.EnumerateObject()) yield return new Element(p.Value, $"{Path}.{p.Name}", p.Name);
        }

        public string Text() => Value.ValueKind == JsonValueKind.String ? Value.GetString()! : throw Wrong("a string");

        /// <summary>A number, or null for JSON null (how reports write a statistic that is not a number).</summary>
        public double? NumberOrNull() => Value.ValueKind switch
        {
            JsonValueKind.Number => Value.GetDouble(),
            JsonValueKind.Null => null,
            _ => throw Wrong("a number"),
        };

        ShapeException Wrong(string expected) => new($"{Path} is {Describe(Value.ValueKind)}, expected {expected}");

        static string Describe(JsonValueKind kind) => kind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.Null => "null",
            _ => "a boolean",
        };
    }
}
