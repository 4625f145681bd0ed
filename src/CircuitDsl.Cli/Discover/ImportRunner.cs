using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;

namespace CircuitDsl.Cli.Discover;

/// <summary>The choices of one `circuit import` run.</summary>
public sealed record ImportOptions(string Circuit, string Settings, EdgeAblation Ablation)
{
    public string? Hypothesis { get; init; }
    public string? Out { get; init; }
    public ModelMapping? Models { get; init; }
    public int Threads { get; init; }
    public string Name { get; init; } = "imported";
}

/// <summary>
/// `circuit import`: a circuit found elsewhere (EAP-IG, auto-circuit exports, a MIB submission), in EAP-IG/MIB's JSON
/// format, read against the model a .circuit file's settings name, and written as the same kind of draft `discover`
/// writes: its in-graph edges as path-patching claims, measured on the settings' data. A per-position circuit this tool
/// exported comes back per position, on its named positions.
/// </summary>
public sealed class ImportRunner(ImportOptions options, IPlanCompiler compiler, Action<string>? progress = null)
{
    public DiscoverOutcome Run()
    {
        using var session = DiscoverySession.Open(options.Settings, options.Hypothesis, options.Models, options.Threads, compiler, progress);
        string json = Path.GetFullPath(options.Circuit);
        var circuit = MibCircuitReader.Read(json, session.Graph, names => EdgeGraph.For(session.Model.Config, session.Positions(names, $"{Path.GetFileName(json)}: circuitdsl.positions.names")));
        using var discovery = new EdgeDiscovery(session.Model, session.DiscoverySettings(DiscoveryMethod.Imported, options.Ablation, 1, 0) with { Positions = circuit.Graph.Positions });
        var graph = discovery.Graph; // the circuit's graph: the same edges in the same order
        var scores = new EdgeScores(graph, DiscoveryMethod.Imported, [.. graph.Edges.Select(e => circuit.Scores.GetValueOrDefault(e))]);
        return session.Draft(discovery, scores, circuit.Kept, $"imported from {Path.GetFileName(json)} (EAP-IG/MIB circuit JSON; scores as the file gives them){DiscoverRunner.PerPosition(graph.Positions)}",
            $"the {circuit.Kept.Count} edges the file marks in_graph", options.Name, options.Out, progress);
    }
}
