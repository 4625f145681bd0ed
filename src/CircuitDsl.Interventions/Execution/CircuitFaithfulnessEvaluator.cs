using System.Globalization;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Circuit faithfulness: the edge graph has its own batches (every sender's clean and ablated write), so nothing is
/// read from the shared run cache; the measurement is made once, when the check finishes, and its per-example series
/// get the bootstrap interval every statistic gets (the ratio recomputed on each resample of examples).
/// </summary>
internal sealed class CircuitFaithfulnessEvaluator : CheckEvaluator
{
    readonly CircuitFaithfulnessCheck check;
    readonly HookedTransformer model;
    readonly ICircuitEvaluator circuits;

    public CircuitFaithfulnessEvaluator(CircuitFaithfulnessCheck check, ExperimentPlan plan, HookedTransformer model, ICircuitEvaluator circuits) : base(check, plan)
    {
        (this.check, this.model, this.circuits) = (check, model, circuits);
        // Made before the first batch runs, so that a refused claim costs nothing.
        if (circuits.Refusal(model, plan, check) is { } reason) throw new InvalidOperationException($"check '{check.Name}': {reason}");
    }

    public override void Batch(BatchContext batch)
    {
    }

    /// <summary>Forward passes the measurement made, known once <see cref="Finish"/> has run.</summary>
    public int ForwardPasses { get; private set; }

    public override IEnumerable<CheckResult> Finish()
    {
        var measured = circuits.Measure(model, Plan, check);
        ForwardPasses = measured.ForwardPasses;
        Series("circuit").Set(0, measured.Circuit.Sums, measured.Circuit.Counts);
        Series("model").Set(0, measured.Model.Sums, measured.Model.Counts);
        Series("empty").Set(0, measured.Empty.Sums, measured.Empty.Counts);
        var stats = new Dictionary<Statistic, Estimate>
        {
            [Statistic.Faithfulness] = Combine(v => Normalised(v[0], v[1], v[2]), "circuit", "empty", "model"),
            [Statistic.Metric] = Mean("circuit"),
            [Statistic.Model] = Mean("model"),
            [Statistic.Baseline] = Mean("empty"),
        };
        var method = new Dictionary<string, string>
        {
            ["method"] = "circuit faithfulness (MIB): (m(C) - m(empty)) / (m(N) - m(empty)), every edge outside C ablated; baseline is m(empty), every edge ablated",
            ["ablation"] = measured.Ablation,
            ["circuit"] = string.Create(CultureInfo.InvariantCulture,
                $"{check.Edges.Length} of {measured.GraphEdges} edges; m(C) {stats[Statistic.Metric].Value:G4}, m(N) {stats[Statistic.Model].Value:G4}, m(empty) {stats[Statistic.Baseline].Value:G4}"),
            ["edges"] = string.Join(", ", check.Edges),
            ["positions"] = "edges at every position; the metric at its own",
        };
        yield return Result(Check.Name, "circuit", stats, method, "circuit");
    }
}
