using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Measures a circuit on the edge graph. The edge graph and its patching live in CircuitDsl.Discovery, which references
/// this project, so the engine asks for the measurement through this interface and the caller (the CLI) supplies
/// Discovery's implementation.
/// </summary>
public interface ICircuitEvaluator
{
    /// <summary>
    /// The metric per example (sums and counts of scored positions, as every check records them) with the circuit's
    /// edges kept and every other edge ablated, with no edge ablated, and with every edge ablated; on the plan's data,
    /// x_new, seed and batch size.
    /// </summary>
    CircuitMeasurement Measure(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check);

    /// <summary>Why <paramref name="check"/> cannot be measured (a model, metric or memory bound), or null; asked before any work starts.</summary>
    string? Refusal(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check);
}

/// <summary>What <see cref="ICircuitEvaluator.Measure"/> returns: m(C), m(N) and m(∅) per example, and what was run.</summary>
/// <param name="GraphEdges">How many edges the model's edge graph has.</param>
/// <param name="Ablation">What an ablated edge carried, in words, for the report.</param>
/// <param name="ForwardPasses">Forward passes the measurement made (0 when it was shared with an earlier claim).</param>
public sealed record CircuitMeasurement(ExampleScores Circuit, ExampleScores Model, ExampleScores Empty, int GraphEdges, string Ablation, int ForwardPasses);
