using System.Text.Json;
using System.Text.RegularExpressions;
using CircuitDsl.Cli.Check;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Cli.Discover;

/// <summary>A circuit read from EAP-IG/MIB JSON: the graph its edges are of, the edges in the circuit, and every edge's score (0 where the file gives none).</summary>
public sealed record ImportedCircuit(EdgeGraph Graph, IReadOnlyList<Edge> Kept, IReadOnlyDictionary<Edge, double> Scores);

/// <summary>
/// Reads the EAP-IG/MIB circuit format (<see cref="MibCircuitJson"/>) against a model's edge graph. The file's
/// <c>input</c> node is the token embedding (the format folds the position embedding into it). Under grouped-query
/// attention any query head of a group names its key/value head's k or v input (<c>a1.h3&lt;k&gt;</c> is the edge
/// graph's <c>L1.H2.k</c> for groups of 2, as the language reads <c>L1.H3.k</c>): several names of one edge give it
/// their scores added, and it is in the graph when any of them is. A file this tool wrote for a per-position circuit
/// (<see cref="MibCircuitJson"/>: <c>circuitdsl.positions</c>) is read as that circuit, its per-position edges on the
/// graph of its named positions, rather than as the folded one MIB's tools read. Every problem is a CD4004 at the line
/// and column of the key it is about, and all of them are reported at once.
/// </summary>
public static partial class MibCircuitReader
{
    [GeneratedRegex(@"^(input|a(\d+)\.h(\d+)|m(\d+))->(logits|m(\d+)|a(\d+)\.h(\d+)<([qkv])>)$")]
    private static partial Regex EdgeName();

    /// <param name="graph">The model's all-position edge graph.</param>
    /// <param name="perPosition">The model's graph split by the named positions a per-position file gives (refused with a diagnostic when the data has no such positions); by default split unchecked.</param>
    public static ImportedCircuit Read(string path, EdgeGraph graph, Func<IReadOnlyList<string>, EdgeGraph>? perPosition = null)
    {
        perPosition ??= names => EdgeGraph.For(graph.Config, EdgePositions.Of(names));
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
            void Mark(Edge edge, JsonElement info, int at, string name)
            {
                if (info.ValueKind != JsonValueKind.Object || !info.TryGetProperty("in_graph", out var inGraph) || inGraph.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    Problem(at, $"'{name}' needs {{\"in_graph\": true|false}} (and optionally \"score\")");
                    return;
                }
                if (info.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number) scores[edge] = scores.GetValueOrDefault(edge) + score.GetDouble();
                if (inGraph.GetBoolean() && inCircuit.Add(edge)) kept.Add(edge);
            }
            // The edge a name gives (null, with a problem, when it is not one of the model's).
            Edge? Named(string name, int at, EdgeGraph of, string? position)
            {
                var match = EdgeName().Match(name);
                if (!match.Success)
                {
                    Problem(at, $"'{name}' is not an edge name of the format (input, a0.h1, m2 -> a3.h0<q|k|v>, m4, logits)");
                    return null;
                }
                var named = new Edge(Sender(match), Receiver(match), position);
                var edge = named with { Receiver = of.Canonical(named.Receiver) };
                if (named.Receiver.HeadIndex >= config.Heads || !of.Contains(edge))
                {
                    Problem(at, $"'{name}' is {named}, which {config.Name} does not have");
                    return null;
                }
                return edge;
            }

            var circuitGraph = graph;
            if (root.TryGetProperty("circuitdsl", out var extension) && extension.ValueKind == JsonValueKind.Object && extension.TryGetProperty("positions", out var positions))
            {
                int at = KeyOffset(text, "positions", KeyOffset(text, "circuitdsl", 0));
                if (PositionNames(positions) is not { } names)
                {
                    Problem(at, $"circuitdsl.positions needs \"names\": the named positions, then \"{EdgePositions.Other}\", and \"edges\": {{edge: {{position: {{score, in_graph}}}}}}");
                    throw Refusal();
                }
                circuitGraph = perPosition(names);
                int searchFrom = KeyOffset(text, "edges", at);
                foreach (var property in positions.GetProperty("edges").EnumerateObject())
                {
                    int edgeAt = KeyOffset(text, property.Name, searchFrom);
                    if (edgeAt > searchFrom) searchFrom = edgeAt;
                    if (property.Value.ValueKind != JsonValueKind.Object)
                    {
                        Problem(edgeAt, $"'{property.Name}' needs an object of positions ({string.Join(", ", names)}, {EdgePositions.Other})");
                        continue;
                    }
                    foreach (var bucket in property.Value.EnumerateObject())
                    {
                        int bucketAt = KeyOffset(text, bucket.Name, edgeAt);
                        if (circuitGraph.Positions!.BucketOf(bucket.Name) < 0)
                        {
                            Problem(bucketAt, $"'{bucket.Name}' is not one of circuitdsl.positions.names");
                            continue;
                        }
                        if (Named(property.Name, edgeAt, circuitGraph, bucket.Name) is { } edge) Mark(edge, bucket.Value, bucketAt, $"{property.Name} at {bucket.Name}");
                    }
                }
            }
            else
            {
                int searchFrom = KeyOffset(text, "edges", 0);
                foreach (var property in edges.EnumerateObject())
                {
                    int at = KeyOffset(text, property.Name, searchFrom);
                    if (at > searchFrom) searchFrom = at;
                    if (Named(property.Name, at, graph, null) is { } edge) Mark(edge, property.Value, at, property.Name);
                }
            }
            if (problems.Count == 0 && kept.Count == 0) Problem(KeyOffset(text, "edges", 0), "no edge is \"in_graph\": there is no circuit to import");
            if (problems.Count > 0) throw Refusal();
            return new ImportedCircuit(circuitGraph, [.. kept.OrderBy(circuitGraph.IndexOf)], scores);
        }
    }

    /// <summary>The named positions of circuitdsl.positions (the other-positions bucket last, left out), or null when it is not in that shape.</summary>
    static IReadOnlyList<string>? PositionNames(JsonElement positions)
    {
        if (positions.ValueKind != JsonValueKind.Object || !positions.TryGetProperty("names", out var names) || names.ValueKind != JsonValueKind.Array
            || !positions.TryGetProperty("edges", out var edges) || edges.ValueKind != JsonValueKind.Object)
            return null;
        var labels = names.EnumerateArray().Select(n => n.ValueKind == JsonValueKind.String ? n.GetString()! : "").ToArray();
        var named = labels[..^Math.Min(1, labels.Length)];
        bool valid = labels.Length >= 2 && labels[^1] == EdgePositions.Other && named.All(EdgePositions.IsName) && named.Distinct(StringComparer.Ordinal).Count() == named.Length;
        return valid ? named : null;
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
