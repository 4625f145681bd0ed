using CircuitDsl.Cli.Models;
using CircuitDsl.Discovery.Methods;

namespace CircuitDsl.Cli.Discover;

/// <summary>The choices of one `circuit discover` run.</summary>
/// <param name="Edges">Keep the N edges of largest |score| (default 20 when no threshold is given).</param>
/// <param name="Threshold">Keep the edges with |score| at least this; for ACDC, its tau.</param>
public sealed record DiscoverOptions(string File, DiscoveryMethod Method, EdgeAblation Ablation, int? Edges, double? Threshold, int Steps)
{
    public const int DefaultEdges = 20;
    public const double DefaultTau = 0.01;

    public string? Hypothesis { get; init; }
    public string? Out { get; init; }
    public string? Json { get; init; }
    public ModelMapping? Models { get; init; }
    public int Threads { get; init; }
    public string Name { get; init; } = "discovered";

    /// <summary>Per-position edges at these named positions (and the other positions); null: every edge at every position.</summary>
    public IReadOnlyList<string>? Positions { get; init; }

    /// <summary>Bootstrap resamples for selection stability; null: none.</summary>
    public int? Resamples { get; init; }

    /// <summary>With resamples: the least selection frequency an edge needs to stay (default <see cref="Stability.DefaultMinFrequency"/>).</summary>
    public double? MinFrequency { get; init; }
}
