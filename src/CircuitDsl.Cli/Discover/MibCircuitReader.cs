using System.Text.Json;
using System.Text.RegularExpressions;
using CircuitDsl.Cli.Check;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Cli.Discover;

/// <summary>A circuit read from EAP-IG/MIB JSON: the edges in the graph, and every edge's score (0 where the file gives none).</summary>
public sealed record ImportedCircuit(IReadOnlyList<Edge> Kept, IReadOnlyDictionary<Edge, double> Scores);

/// <summary>
/// Reads the EAP-IG/MIB circuit format (<see cref="MibCircuitJson"/>) against a model's edge graph. The file's
/// <c>input</c> node is the token embedding (the format folds the position embedding into it). Under grouped-query
/// attention any query head of a group names its key/value head's k or v input (<c>a1.h3&lt;k&gt;</c> is the edge
/// graph's <c>L1.H2.k</c> for groups of 2, as the language reads <c>L1.H3.k</c>): several names of one edge give it
/// their scores added, and it is in the graph when any of them is. Every problem is a
/// CD4004 at the line and column of the key it is about, and all of them are reported at once.
/// </summary>
public static partial class MibCircuitReader
{
    [GeneratedRegex(@"^(input|a(\d+)\.h(\d+)|m(\d+))->(logits|m(\d+)|a(\d+)\.h(\d+)<([qkv])>)$")]
    private static partial Regex EdgeName();

    public static ImportedCircuit Read(string path, EdgeGraph graph)
    {
        var kind = InputFiles.Inspect(path).Kind;
        if (kind == InputFileKind.Missing) throw new UsageException($"{path}: no such file");
        if (kind != InputFileKind.Regular) throw new UsageException($"{path}: not a regular file");
        if (new FileInfo(path).Length > ResourceLimits.MaxReportFileBytes)
            throw new UsageException($"{path}: over {ResourceLimits.MaxReportFileBytes >> 20} MiB");
        string text = File.ReadAllText(path);
        var source = SourceText.From(text, path);
        var problems = new List<Diagnostic>();
        void Problem(int offset, string message)
        {
            var (line, column) = LineAndColumn(text, offset);
            problems.Add(RunDiagnostics.CircuitNotImported.Create(new SourceSpan(path, offset, 0, line, column), message));
        }
        DiscoverInputException Refusal() => new(problems, p => p == path ? source : null);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            int offset = OffsetOf(text, (int)(e.LineNumber ?? 0), (int)(e.BytePositionInLine ?? 0));
            Problem(offset, $"not JSON: {CliErrors.OneLine(e.Message)}");
            throw Refusal();
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("edges", out var edges) || edges.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("cfg", out var cfg) || cfg.ValueKind != JsonValueKind.Object)
            {
                Problem(0, "not an EAP-IG/MIB circuit file: it needs an object with \"cfg\" and \"edges\" (and \"nodes\")");
                throw Refusal();
            }
            var config = graph.Config;
            foreach (var (field, expected) in new[] { ("n_layers", config.Layers), ("n_heads", config.Heads), ("d_model", config.DModel), ("n_key_value_heads", config.KvHeads) })
                if (cfg.TryGetProperty(field, out var value) && (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int given) || given != expected))
                    Problem(KeyOffset(text, field, 0), $"cfg.{field} is {value.GetRawText()}, but {config.Name} has {expected}: the circuit is of another model");

            var kept = new List<Edge>();
            var inCircuit = new HashSet<Edge>();
            var scores = new Dictionary<Edge, double>();
            int searchFrom = KeyOffset(text, "edges", 0);
            foreach (var property in edges.EnumerateObject())
            {
                int at = KeyOffset(text, property.Name, searchFrom);
                if (at > searchFrom) searchFrom = at;
                var match = EdgeName().Match(property.Name);
                if (!match.Success)
                {
                    Problem(at, $"'{property.Name}' is not an edge name of the format (input, a0.h1, m2 -> a3.h0<q|k|v>, m4, logits)");
                    continue;
                }
                var named = new Edge(Sender(match), Receiver(match));
                var edge = named with { Receiver = graph.Canonical(named.Receiver) };
                if (named.Receiver.HeadIndex >= config.Heads || !graph.Contains(edge))
                {
                    Problem(at, $"'{property.Name}' is {named}, which {config.Name} does not have");
                    continue;
                }
                var info = property.Value;
                if (info.ValueKind != JsonValueKind.Object || !info.TryGetProperty("in_graph", out var inGraph) || inGraph.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Problem(at, $"'{property.Name}' needs {{\"in_graph\": true|false}} (and optionally \"score\")");
                    continue;
                }
                if (info.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number) scores[edge] = scores.GetValueOrDefault(edge) + score.GetDouble();
                if (inGraph.GetBoolean() && inCircuit.Add(edge)) kept.Add(edge);
            }
            if (problems.Count == 0 && kept.Count == 0) Problem(KeyOffset(text, "edges", 0), "no edge is \"in_graph\": there is no circuit to import");
            if (problems.Count > 0) throw Refusal();
            return new ImportedCircuit([.. kept.OrderBy(graph.IndexOf)], scores);
        }
    }

    static Component Sender(Match m) =>
        m.Groups[1].Value == "input" ? Component.Embed
        : m.Groups[2].Success ? Component.Head(int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value))
        : Component.Mlp(int.Parse(m.Groups[4].Value));

    static Component Receiver(Match m) =>
        m.Groups[5].Value == "logits" ? Component.Logits
        : m.Groups[6].Success ? Component.Mlp(int.Parse(m.Groups[6].Value))
        : Component.Head(int.Parse(m.Groups[7].Value), int.Parse(m.Groups[8].Value), m.Groups[9].Value switch { "q" => Channel.Query, "k" => Channel.Key, _ => Channel.Value });

    // Keys are found in the text, not the parsed tree (which keeps no positions); an escaped key is found at the object.
    static int KeyOffset(string text, string key, int from)
    {
        int at = text.IndexOf(JsonSerializer.Serialize(key), from, StringComparison.Ordinal);
        if (at < 0) at = text.IndexOf('"' + key + '"', from, StringComparison.Ordinal);
        return Math.Max(at, from);
    }

    static (int Line, int Column) LineAndColumn(string text, int offset)
    {
        int line = 1, start = 0;
        for (int i = 0; i < offset && i < text.Length; i++)
            if (text[i] == '\n') (line, start) = (line + 1, i + 1);
        return (line, offset - start + 1);
    }

    static int OffsetOf(string text, int line, int column)
    {
        int offset = 0;
        for (int l = 0; l < line && offset < text.Length; l++)
        {
            int next = text.IndexOf('\n', offset);
            if (next < 0) return text.Length;
            offset = next + 1;
        }
        return Math.Min(text.Length, offset + column);
    }
}
