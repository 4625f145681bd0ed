using System.Text.Json;
using System.Text.Json.Nodes;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;

namespace CircuitDsl.Cli.Discover;

/// <summary>
/// A circuit in the file format of EAP-IG (hannamw/EAP-IG, <c>Graph.to_json</c>) that the MIB benchmark takes:
/// <c>{"cfg": {n_layers, n_heads, d_model, parallel_attn_mlp}, "nodes": {name: {in_graph}}, "edges": {name: {score, in_graph}}}</c>,
/// nodes named <c>input</c>, <c>a{L}.h{H}</c>, <c>m{L}</c>, <c>logits</c>, edges <c>a0.h1-&gt;m3</c> and
/// <c>input-&gt;a1.h0&lt;k&gt;</c>. The format has one input node: the token and position embeddings' edges are merged
/// into it (scores added, in the graph when either is). Under grouped-query attention a key/value head's k and v
/// inputs are one receiver each, written as the edge graph names them, at the group's first query head
/// (<c>a0.h1-&gt;a1.h2&lt;k&gt;</c> for key/value head 1 of groups of 2), and <c>cfg</c> gains
/// <c>n_key_value_heads</c>. The provenance the format lacks goes under an extra key, <c>circuitdsl</c>, which
/// EAP-IG's reader ignores.
/// <para>
/// The format has no positions (EAP-IG's early positional graph numbered absolute token positions of fixed-length
/// inputs, which named positions resolved per example and the other-positions bucket are not). A per-position circuit
/// is written folded: an edge is in the graph when it is kept at any of its positions, its score the sum of its
/// positions' scores (for EAP and EAP-IG the all-position score: they add up over positions exactly). So a MIB
/// evaluation of the file measures every position of those edges, a superset of the circuit found; the per-position
/// edges themselves go under <c>circuitdsl.positions</c>, each edge's scores and marks by position.
/// </para>
/// </summary>
public static class MibCircuitJson
{
    public static string Write(EdgeScores scores, IReadOnlyCollection<Edge> kept, DraftProvenance provenance)
    {
        var graph = scores.Graph;
        var config = graph.Config;
        var keptSet = kept.ToHashSet();
        var edges = new Dictionary<string, (double Score, bool InGraph)>(StringComparer.Ordinal);
        var byPosition = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var (edge, i) in graph.Edges.Select((e, i) => (e, i)))
        {
            string name = EdgeName(edge);
            var (score, inGraph) = edges.GetValueOrDefault(name);
            edges[name] = (score + scores.Scores[i], inGraph || keptSet.Contains(edge));
            if (edge.Position is not { } position) continue;
            if (!byPosition.TryGetValue(name, out var positions)) byPosition[name] = positions = [];
            // Token and position embeddings share the input node's name: their scores add up here too.
            var prior = positions[position];
            positions[position] = new JsonObject
            {
                ["score"] = (prior?["score"]!.GetValue<double>() ?? 0) + scores.Scores[i],
                ["in_graph"] = (prior?["in_graph"]!.GetValue<bool>() ?? false) || keptSet.Contains(edge),
            };
        }
        var touched = kept.SelectMany(e => new[] { NodeName(e.Sender), NodeName(e.Receiver.AsOutput) }).ToHashSet(StringComparer.Ordinal);
        var nodes = new JsonObject();
        foreach (string node in NodeNames(graph)) nodes[node] = new JsonObject { ["in_graph"] = touched.Contains(node) };

        var cfg = new JsonObject
        {
            ["n_layers"] = config.Layers,
            ["n_heads"] = config.Heads,
            ["d_model"] = config.DModel,
            ["parallel_attn_mlp"] = config.ParallelResidual,
        };
        if (config.KvHeads != config.Heads) cfg["n_key_value_heads"] = config.KvHeads;
        var extension = JsonSerializer.SerializeToNode(new
        {
            tool = provenance.Tool,
            source = provenance.Source,
            hypothesis = provenance.Hypothesis,
            model = provenance.Model,
            model_sha256 = provenance.ModelSha256,
            data = provenance.Data,
            examples = provenance.Examples,
            x_new = provenance.XNew,
            metric = provenance.Metric,
            method = provenance.Method,
            ablation = provenance.Ablation,
            selection = provenance.Selection,
            seed = provenance.Seed,
            score = provenance.ScoreMeaning,
            faithfulness = Finite(provenance.Faithfulness.F),
            cpr = Finite(provenance.Curve.Cpr),
            cmd = Finite(provenance.Curve.Cmd),
        })!.AsObject();
        if (graph.Positions is { } buckets)
            extension["positions"] = new JsonObject
            {
                ["names"] = new JsonArray([.. Enumerable.Range(0, buckets.Count).Select(k => (JsonNode?)buckets.Label(k))]),
                ["folded"] = "edges and nodes above: an edge is in_graph when it is kept at any of its positions, its score the sum of its positions' scores",
                ["edges"] = new JsonObject(byPosition.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            };
        var root = new JsonObject
        {
            ["cfg"] = cfg,
            ["nodes"] = nodes,
            ["edges"] = new JsonObject(edges.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)new JsonObject { ["score"] = p.Value.Score, ["in_graph"] = p.Value.InGraph }))),
            ["circuitdsl"] = extension,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>EAP-IG's name of an edge (positions left out).</summary>
    static string EdgeName(Edge edge) => $"{NodeName(edge.Sender)}->{NodeName(edge.Receiver.AsOutput)}{QkvSuffix(edge.Receiver)}";

    static double? Finite(double value) => double.IsFinite(value) ? value : null;

    static IEnumerable<string> NodeNames(EdgeGraph graph)
    {
        yield return "input";
        foreach (var sender in graph.Senders.Where(s => !s.IsEmbedding)) yield return NodeName(sender);
        yield return "logits";
    }

    /// <summary>EAP-IG's name of a component's node.</summary>
    public static string NodeName(Component component) => component.Kind switch
    {
        ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding => "input",
        ComponentKind.Head => $"a{component.Layer}.h{component.HeadIndex}",
        ComponentKind.Mlp => $"m{component.Layer}",
        _ => "logits",
    };

    static string QkvSuffix(Component receiver) => receiver.Channel switch
    {
        Channel.Query => "<q>",
        Channel.Key => "<k>",
        Channel.Value => "<v>",
        _ => "",
    };
}
