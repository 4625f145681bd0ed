using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.TestSupport;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// The numbers of a `check --format json` report that must not move, as a recorded copy holds them: per file, its
/// hypotheses (seed, example count, and per check each statistic's value, low, high, examples and positions) and the
/// hypotheses it skipped. Floating-point numbers compare within <see cref="Float32.Tolerance"/> (float32 results
/// differ in their last bits between CPUs' vector widths); integers, names and nulls (non-finite values) exactly.
/// </summary>
internal static class RecordedReport
{
    static readonly string[] EstimateFields = ["value", "low", "high", "examples", "positions"];
    static readonly HashSet<string> FloatFields = ["value", "low", "high"];
    const string Separator = " / ";

    /// <summary>The recorded form of a report: only what is compared, in the report's order, files relative to <paramref name="root"/>.</summary>
    public static JsonObject Extract(JsonElement report, string root)
    {
        var files = new JsonObject();
        foreach (var file in report.GetProperty("files").EnumerateArray())
        {
            var hypotheses = new JsonObject();
            foreach (var h in file.GetProperty("hypotheses").EnumerateArray())
            {
                var checks = new JsonObject();
                foreach (var c in h.GetProperty("checks").EnumerateArray())
                {
                    var statistics = new JsonObject();
                    foreach (var s in c.GetProperty("statistics").EnumerateObject())
                        statistics[s.Name] = new JsonObject(EstimateFields.Select(f => KeyValuePair.Create(f, JsonNode.Parse(s.Value.GetProperty(f).GetRawText()))));
                    checks[c.GetProperty("name").GetString()!] = statistics;
                }
                hypotheses[h.GetProperty("name").GetString()!] = new JsonObject
                {
                    ["seed"] = h.GetProperty("seed").GetInt64(),
                    ["examples"] = h.GetProperty("examples").GetInt64(),
                    ["checks"] = checks,
                };
            }
            // The report names files relative to where check ran (this process's folder), or in full outside it; the copy, relative to the repository.
            string path = Path.GetRelativePath(root, Path.GetFullPath(file.GetProperty("path").GetString()!)).Replace('\\', '/');
            files[path] = new JsonObject
            {
                ["hypotheses"] = hypotheses,
                ["skipped"] = new JsonArray(file.GetProperty("skipped").EnumerateArray().Select(s => (JsonNode?)s.GetProperty("hypothesis").GetString()).ToArray()),
            };
        }
        return new JsonObject
        {
            ["about"] = "The numbers of `circuit check hypotheses --format json`, compared by ShippedHypothesesTests (floats within 1e-5 relative, "
                + "1e-6 absolute; integers exactly). Regenerate: CIRCUIT_UPDATE_BASELINES=1 dotnet test tests/CircuitDsl.Cli.Tests",
            ["files"] = files,
        };
    }

    // Relaxed escaping keeps check names such as "recovers >= 0.85" readable in the file.
    public static string Write(JsonObject recorded) =>
        recorded.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";

    /// <summary>
    /// Every difference between the recorded and the actual numbers, one line each, naming where it is; a missing or
    /// extra check, statistic or file is named once, not field by field.
    /// </summary>
    public static List<string> Differences(JsonNode recorded, JsonNode actual)
    {
        var expected = Flatten(recorded);
        var found = Flatten(actual);
        var differences = new List<string>();
        foreach (var (place, value) in expected)
            if (found.TryGetValue(place, out var other) && !Agree(place, value, other))
                differences.Add($"moved: {place}: recorded {Show(value)}, now {Show(other)}");
        differences.AddRange(Absent(expected.Keys, found.Keys).Select(place => $"missing: {place}{Leaf(expected, place, " (recorded {0})")}"));
        differences.AddRange(Absent(found.Keys, expected.Keys).Select(place => $"extra: {place}{Leaf(found, place, " = {0}")}"));
        return differences;
    }

    /// <summary>The places of <paramref name="places"/> that <paramref name="others"/> lack, each cut to its shortest prefix they lack.</summary>
    static IEnumerable<string> Absent(IReadOnlyCollection<string> places, IReadOnlyCollection<string> others)
    {
        var leaves = others.ToHashSet(StringComparer.Ordinal);
        var present = others.SelectMany(Prefixes).ToHashSet(StringComparer.Ordinal);
        return places.Where(place => !leaves.Contains(place))
            .Select(place => Prefixes(place).FirstOrDefault(prefix => !present.Contains(prefix)) ?? place)
            .Distinct(StringComparer.Ordinal);
    }

    static IEnumerable<string> Prefixes(string place)
    {
        for (int at = place.IndexOf(Separator, StringComparison.Ordinal); at >= 0; at = place.IndexOf(Separator, at + Separator.Length, StringComparison.Ordinal))
            yield return place[..at];
        yield return place;
    }

    // IIA counts positions where two argmaxes agree: one near-tie decided otherwise by another CPU's summation order
    // moves it by 1/positions (1.2e-4 for 8,584 positions), far past float32's 1e-5 but not a change of meaning.
    const double CountTolerance = 1e-3;

    static bool IsAgreementCount(string place) => place.Contains(Separator + "iia" + Separator, StringComparison.Ordinal);

    static bool Agree(string place, JsonNode? recorded, JsonNode? actual)
    {
        string field = place[(place.LastIndexOf(Separator, StringComparison.Ordinal) + Separator.Length)..];
        if (FloatFields.Contains(field) && recorded is JsonValue r && actual is JsonValue a && r.TryGetValue(out double e) && a.TryGetValue(out double v))
            return Math.Abs(v - e) <= (IsAgreementCount(place) ? CountTolerance : Float32.Tolerance(e));
        return Show(recorded) == Show(actual);
    }

    /// <summary>Leaves by place: "file / hypothesis / checks / check / statistic / field" (arrays by index).</summary>
    static Dictionary<string, JsonNode?> Flatten(JsonNode? node, string place = "", Dictionary<string, JsonNode?>? into = null)
    {
        into ??= new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        string Below(string key) => place.Length == 0 ? key : place + Separator + key;
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o) Flatten(value, Below(key), into);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Flatten(a[i], Below(i.ToString(CultureInfo.InvariantCulture)), into);
                if (a.Count == 0) into[Below("(empty)")] = null;
                break;
            default:
                into[place] = node;
                break;
        }
        return into;
    }

    static string Leaf(Dictionary<string, JsonNode?> leaves, string place, string format) =>
        leaves.TryGetValue(place, out var value) ? string.Format(CultureInfo.InvariantCulture, format, Show(value)) : "";

    static string Show(JsonNode? value) => value?.ToJsonString() ?? "null";
}
