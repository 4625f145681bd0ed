using CircuitDsl.Interventions.Ablation;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Scrubbing;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>Accumulates one check's per-example scores batch by batch, then turns them into estimates.</summary>
internal abstract class CheckEvaluator(Check check, ExperimentPlan plan)
{
    readonly Dictionary<string, ExampleScores> series = [];
    protected Check Check => check;
    public string Name => check.Name;
    protected ExperimentPlan Plan => plan;

    public abstract void Batch(BatchContext batch);

    public abstract IEnumerable<CheckResult> Finish();

    protected ExampleScores Series(string name) =>
        series.TryGetValue(name, out var s) ? s : series[name] = new ExampleScores(plan.Data.Count);

    protected void Record(string name, BatchContext batch, (double[] Sums, int[] Counts) values) =>
        Series(name).Set(batch.Start, values.Sums, values.Counts);

    /// <summary>A series' mean with its interval, computed once (a sweep's variants share the clean and corrupted means).</summary>
    protected Estimate Mean(string name) => means.TryGetValue(name, out var m) ? m : means[name] = Combine(v => v[0], name);

    readonly Dictionary<string, Estimate> means = [];

    /// <summary>A statistic of some series with its bootstrap interval; each series is resampled once for all statistics (after the last batch).</summary>
    protected Estimate Combine(Func<double[], double> statistic, params string[] names) =>
        Bootstrap.Of(names.Select(Series).ToArray(), names.Select(Resampled).ToArray(), statistic, plan.BootstrapResamples);

    readonly Dictionary<string, double[]> resampled = [];

    double[] Resampled(string name) =>
        resampled.TryGetValue(name, out var r) ? r : resampled[name] = Bootstrap.Resample(Series(name), plan.Seed, plan.BootstrapResamples);

    protected CheckResult Result(string name, string kind, Dictionary<Statistic, Estimate> statistics, Dictionary<string, string> method,
        string perExample, string? agreement = null)
    {
        method["data"] = $"{plan.Data.Name}: {plan.Data.Count} examples of {plan.Data.Length} tokens, pool {plan.Data.Pool.Count}";
        method["metric"] = plan.Metric.ToString();
        method["interval"] = $"bootstrap 95% percentile over examples, {plan.BootstrapResamples} resamples, seed {plan.Seed}";
        ExpectationOutcome? outcome = null;
        if (check.Expect is { } e)
        {
            if (!statistics.TryGetValue(e.Statistic, out var estimate))
                throw new ArgumentException($"check '{name}': expectation '{e}' names '{e.Statistic.Spelling()}', but this check reports {string.Join(", ", statistics.Keys.Select(k => k.Spelling()))}");
            // A statistic that is not a finite number (NaN from 0/0, ±Infinity from a zero denominator) measured nothing:
            // it fails whatever the threshold, so that no claim passes on an undefined number.
            bool finite = double.IsFinite(estimate.Value);
            outcome = new ExpectationOutcome(e.Id, e.ToString(), e.Statistic, estimate, finite && e.Holds(estimate.Value),
                finite && e.Holds(estimate.Low) && e.Holds(estimate.High));
        }
        var s = Series(perExample);
        var perAgreement = agreement is null ? null : Enumerable.Range(0, s.Examples).Select(Series(agreement).PerExample).ToArray();
        return new CheckResult(name, kind, statistics, method, plan.Seed, outcome,
            Enumerable.Range(0, s.Examples).Select(s.PerExample).ToArray(), perAgreement);
    }

    /// <summary>(a − b) / (c − b), the normalised form every recovered fraction and effect shares.</summary>
    protected static double Normalised(double a, double b, double c) => (a - b) / (c - b);
}

internal sealed class ModelEvaluator(ModelCheck check, ExperimentPlan plan) : CheckEvaluator(check, plan)
{
    public override void Batch(BatchContext batch) => Record("metric", batch, batch.CleanMetric);

    public override IEnumerable<CheckResult> Finish()
    {
        yield return Result(Check.Name, "model", new() { [Statistic.Metric] = Mean("metric") }, [], "metric");
    }
}

internal sealed class ScrubCheckEvaluator : CheckEvaluator
{
    readonly ScrubCheck check;
    readonly ScrubTree tree, baseline;
    readonly ScrubSamples? samples;
    readonly PositionSamples? positionSamples; // per-position resampling instead of samples
    readonly ScrubSamples baselineSamples;

    public ScrubCheckEvaluator(ScrubCheck check, ExperimentPlan plan, ComponentHooks hooks) : base(check, plan)
    {
        this.check = check;
        tree = Treeifier.Treeify(check.Hypothesis, hooks);
        // The baseline is the same per example whatever the hypothesis chooses, so both resamplings share its 0%.
        baseline = Treeifier.Treeify(check.Baseline.AsHypothesis(), hooks);
        if (tree.Resampling == ResamplingGranularity.PerPosition) positionSamples = PositionSampler.Sample(tree, plan.Data, plan.Seed);
        else samples = ScrubSampler.Sample(tree, plan.Data, plan.Seed);
        baselineSamples = ScrubSampler.Sample(baseline, plan.Data, plan.Seed);
    }

    public override void Batch(BatchContext batch)
    {
        using var scope = NewDisposeScope();
        var evaluator = new ScrubEvaluator(batch.Hooks, Plan.Data, batch.Runs);
        // The root hands over the final residual stream: the metric unembeds only the rows it scores.
        var scrubbed = positionSamples is null
            ? evaluator.Final(tree, samples!, batch.Start, batch.End)
            : new PositionScrubEvaluator(batch.Hooks, Plan.Data, batch.Runs, batch.End - batch.Start).Final(tree, positionSamples, batch.Start, batch.End);
        Record("scrubbed", batch, batch.Metric(FinalStream.Of(scrubbed)));
        // Same baseline and seed give the same draws, so checks sharing a baseline share its scores.
        string key = $"scrub baseline: {check.Baseline}";
        if (!batch.Shared.TryGetValue(key, out var baselineScores))
            batch.Shared[key] = baselineScores = batch.Metric(FinalStream.Of(evaluator.Final(baseline, baselineSamples, batch.Start, batch.End)));
        Record("baseline", batch, baselineScores);
        // The model's metric comes through the same reader: a scrub that changes nothing leaves the clean stream,
        // whose rows take the clean values, so it recovers exactly 100%.
        Record("model", batch, batch.CleanMetric);
        using var agreement = new TopPredictionAgreement(batch.Hooks.Model, batch.Clean.Final,
            Components.PositionMaskFor(Plan.Metric.Positions, batch), RootTargets(batch));
        Record("agreement", batch, agreement.Evaluate(scrubbed));
    }

    /// <summary>
    /// The high-level output per position, which the scrubbed top prediction should equal: the root's variable on
    /// the reference when the hypothesis gives the root one (a token id, or −1 where it gives none), else null for
    /// the model's own top prediction.
    /// </summary>
    Tensor? RootTargets(BatchContext batch)
    {
        if (check.Hypothesis.Root.Computes is not { } variable) return null;
        var values = new long[batch.Examples.Count * batch.Length];
        for (int i = 0; i < batch.Examples.Count; i++)
            for (int p = 0; p < batch.Length; p++)
                values[i * batch.Length + p] = variable.Evaluate(batch.Examples[i], p) is int token ? token : -1;
        return tensor(values, [batch.Examples.Count, batch.Length]);
    }

    public override IEnumerable<CheckResult> Finish()
    {
        var stats = new Dictionary<Statistic, Estimate>
        {
            // (L_baseline − L_scrubbed) / (L_baseline − L_model) = (L_scrubbed − L_baseline) / (L_model − L_baseline).
            [Statistic.Recovers] = Combine(v => Normalised(v[0], v[1], v[2]), "scrubbed", "baseline", "model"),
            [Statistic.Metric] = Mean("scrubbed"),
            [Statistic.Baseline] = Mean("baseline"),
            [Statistic.Model] = Mean("model"),
            [Statistic.Iia] = Mean("agreement"),
        };
        var method = new Dictionary<string, string>
        {
            ["method"] = "causal scrubbing (Chan et al. 2022), treeified as far as the hypothesis needs",
            ["baseline"] = check.Baseline.ToString()!,
            ["unmapped inputs"] = $"{check.Hypothesis.Unmapped.ToString().ToLowerInvariant()} unless a node says otherwise; nodes without inputs keep their datum",
            ["node copies"] = string.Join("; ", tree.Nodes.Select(n => $"{n.Path} [{string.Join(", ", n.Components)}] {(n.Condition is null ? "exact" : "agreeing on " + n.Condition.Name)}, unmapped {n.Unmapped.ToString().ToLowerInvariant()}")),
            ["resampling"] = tree.Resampling == ResamplingGranularity.PerPosition
                ? "per position: each node copy draws a source per position agreeing on its variable there (q, MLP and logits inputs), and per query position one source agreeing at every key up to it (k and v inputs)"
                : "per example: each node copy draws one source agreeing on its variable over the copy's positions",
            ["conditional draws"] = $"{positionSamples?.ConditionalDraws ?? samples!.ConditionalDraws} ({positionSamples?.SingletonDraws ?? samples!.SingletonDraws} from classes of one, i.e. the parent's own input)",
            ["iia target"] = check.Hypothesis.Root.Computes is { } v ? $"root variable {v.Name}" : "the model's own top prediction",
        };
        yield return Result(Check.Name, "scrub", stats, method, "scrubbed", "agreement");
    }
}

internal static class Components
{
    public static Tensor PositionMaskFor(PositionSet positions, BatchContext batch) =>
        ComponentHooks.PositionMask(positions, batch.Examples, batch.Length);
}
