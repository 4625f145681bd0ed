using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
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
/// writes: its in-graph edges as path-patching claims, measured on the settings' data.
/// </summary>
public sealed class ImportRunner(ImportOptions options, IPlanCompiler compiler, Action<string>? progress = null)
{
    public DiscoverOutcome Run()
    {
        using var session = DiscoverySession.Open(options.Settings, options.Hypothesis, options.Models, options.Threads, compiler, progress);
        string json = Path.GetFullPath(options.Circuit);
        var circuit = MibCircuitReader.Read(json, session.Graph);
        var scores = new EdgeScores(session.Graph, DiscoveryMethod.Imported, [.. session.Graph.Edges.Select(e => circuit.Scores.GetValueOrDefault(e))]);
        using var discovery = new EdgeDiscovery(session.Model, session.DiscoverySettings(DiscoveryMethod.Imported, options.Ablation, 1, 0));
        return session.Draft(discovery, scores, circuit.Kept, $"imported from {Path.GetFileName(json)} (EAP-IG/MIB circuit JSON; scores as the file gives them)",
            $"the {circuit.Kept.Count} edges the file marks in_graph", options.Name, options.Out, progress);
    }
}
