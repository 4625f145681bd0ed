using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Running;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Methods;

/// <summary>
/// `expect circuit faithfulness` on the discovery mechanism: the plan's data, metric, x_new, seed and batch size become
/// discovery settings, and one stacked evaluation per batch measures the circuit (every edge outside it ablated), the
/// model (none) and the empty circuit (all), exactly as <see cref="EdgeDiscovery.Faithfulness"/> does for a draft.
/// The engine calls it through <see cref="ICircuitEvaluator"/>, which `circuit check` hands its runner.
/// </summary>
public sealed class CircuitFaithfulness : ICircuitEvaluator
{
    // Two claims on one circuit (a lower and an upper bound) share one measurement.
    readonly Dictionary<(HookedTransformer, ExperimentPlan, AblationKind, string), CircuitMeasurement> measured = [];

    public CircuitMeasurement Measure(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check)
    {
        var key = (model, plan with { Checks = [] }, check.Ablation, string.Join(", ", check.Edges.Select(e => e.ToString()).Order(StringComparer.Ordinal)));
        if (measured.TryGetValue(key, out var shared)) return shared with { ForwardPasses = 0 };
        return measured[key] = MeasureOnce(model, plan, check);
    }

    /// <summary>Most bytes one measurement may keep (discovery's bound by default).</summary>
    public long MaxCacheBytes { get; init; } = ResourceLimits.MaxDiscoveryCacheBytes;

    public string? Refusal(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check)
    {
        if (DiscoveryMetric.Unsupported(plan.Metric) is { } metric) return metric;
        // As `circuit discover` bounds it: what the batches keep for the whole measurement.
        long bytes = MemoryEstimate.CachedBytes(model.Config, EdgeGraph.For(model.Config), plan.Data.Count, plan.Data.Length);
        return bytes <= MaxCacheBytes ? null
            : $"measuring a circuit keeps every sender's clean and ablated write, the clean stream at every layer and the clean logits, for every example: {bytes / (1 << 20):N0} MiB for {plan.Data.Count:N0} examples of {plan.Data.Length} tokens, over its limit of {MaxCacheBytes >> 20:N0} MiB; use fewer examples (count)";
    }

    static CircuitMeasurement MeasureOnce(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check)
    {
        var settings = new DiscoverySettings(plan.Data, plan.Metric)
        {
            Ablation = Ablation(check.Ablation), Counterfactual = plan.Counterfactual, Seed = plan.Seed, BatchSize = plan.BatchSize,
        };
        using var discovery = new EdgeDiscovery(model, settings);
        var graph = discovery.Graph;
        // A key/value input under grouped-query attention may be named by any query head of its group (L1.H3.k).
        var edges = check.Edges.Select(e => new Edge(e.Sender, graph.Canonical(e.Receiver))).Distinct().ToArray();
        // The binder states only edges the graph has; a plan written by hand may not.
        if (edges.Where(e => !graph.Contains(e)).Select(e => e.ToString()).FirstOrDefault() is { } missing)
            throw new ArgumentException($"check '{check.Name}': {missing} is not an edge of {model.Config.Name}'s edge graph");
        using var scope = NewDisposeScope(); // the masks and the temporaries their assignments make
        var masks = ones(3, graph.Count);
        masks[1] = zeros(graph.Count);
        foreach (var edge in edges) masks[0, graph.IndexOf(edge)] = 0;
        var scores = discovery.EvaluatePerExample(settings.Metric, masks);
        return new CircuitMeasurement(scores[0], scores[1], scores[2], graph.Count, Describe(settings), discovery.CacheForwards + discovery.Batches);
    }

    /// <summary>The file's ablation: <c>resample</c> (and the default) is counterfactual patching, as MIB measures circuits.</summary>
    public static EdgeAblation Ablation(AblationKind kind) => kind switch
    {
        AblationKind.Zero => EdgeAblation.Zero,
        AblationKind.Mean => EdgeAblation.Mean,
        _ => EdgeAblation.Counterfactual,
    };

    /// <summary>The ablation in words, with where x_new came from.</summary>
    public static string Describe(DiscoverySettings settings) => settings.Ablation switch
    {
        EdgeAblation.Counterfactual => "counterfactual patching (an ablated edge carries its sender's write on x_new: "
            + (settings.Counterfactual == CounterfactualSource.Paired ? "each example's counterfactual)" : $"a random pool example per reference, seed {settings.Seed})"),
        EdgeAblation.Mean => "mean (an ablated edge carries its sender's mean write over the pool, per position)",
        _ => "zero (an ablated edge carries zero)",
    };
}
