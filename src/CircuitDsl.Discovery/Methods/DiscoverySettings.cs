using CircuitDsl.Discovery.Graph;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Discovery.Methods;

/// <summary>The discovery methods, all on the same edge graph.</summary>
public enum DiscoveryMethod
{
    /// <summary>Every edge patched alone (the reference): one forward per edge, batched.</summary>
    Exact,

    /// <summary>Edge attribution patching (Syed et al. 2023): gradient at the clean run times (source − clean).</summary>
    Eap,

    /// <summary>EAP with integrated gradients over the input embeddings (Hanna et al. 2024, EAP-IG-inputs).</summary>
    EapIg,

    /// <summary>ACDC (Conmy et al. 2023): greedy removal in reverse topological order with threshold tau.</summary>
    Acdc,

    /// <summary>Not run here: scores read from a circuit file another tool wrote (`circuit import`).</summary>
    Imported,
}

/// <summary>What an ablated edge carries instead of its sender's clean write.</summary>
public enum EdgeAblation
{
    /// <summary>The sender's write on the counterfactual input (corrupted run): patching, the default.</summary>
    Counterfactual,

    /// <summary>The sender's mean write over the counterfactual pool, per position.</summary>
    Mean,

    /// <summary>Zero.</summary>
    Zero,
}

/// <summary>
/// Everything a discovery run needs besides the model: the data and metric (from a .circuit file's settings), how
/// x_new is chosen (as `circuit check` chooses it, with the same seed), the ablation, and the method's own choices.
/// </summary>
public sealed record DiscoverySettings(Dataset Data, MetricSpec Metric)
{
    public DiscoveryMethod Method { get; init; } = DiscoveryMethod.Eap;
    public EdgeAblation Ablation { get; init; } = EdgeAblation.Counterfactual;
    public CounterfactualSource Counterfactual { get; init; } = CounterfactualSource.Resampled;
    public long Seed { get; init; }

    /// <summary>EAP-IG's interpolation steps m (α = k/m, k = 0..m−1: corrupted end included, clean end not).</summary>
    public int Steps { get; init; } = 5;

    /// <summary>ACDC's tau: an edge is removed when removing it raises the ACDC metric by less than this.</summary>
    public double Tau { get; init; } = 0.01;

    /// <summary>ACDC's metric; by default KL(model ‖ circuit) at the file's metric positions.</summary>
    public MetricSpec? AcdcMetric { get; init; }

    /// <summary>References per forward pass.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Rows (variants × references) in one stacked forward of exact patching.</summary>
    public int MaxRows { get; init; } = 1024;

    /// <summary>Per-position edges at these named positions (and one bucket for the rest); null: every edge at every position.</summary>
    public EdgePositions? Positions { get; init; }

    public MetricSpec EffectiveAcdcMetric => AcdcMetric ?? MetricSpec.KL(Metric.Positions);
}
