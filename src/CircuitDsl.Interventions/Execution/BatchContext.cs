using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// One batch of references while an experiment runs: the cached runs every check shares (clean, corrupted and any
/// resampled inputs), and the metric against these references' labels, read from runs' final streams where only the
/// metric's rows are unembedded (<see cref="MetricReader"/>).
/// </summary>
internal sealed class BatchContext(ExperimentPlan plan, ComponentHooks hooks, RunCache runs, int start, int end, int[] counterfactualData)
{
    public ExperimentPlan Plan => plan;
    public ComponentHooks Hooks => hooks;
    public RunCache Runs => runs;
    public int Start => start;
    public int End => end;
    public int[] References { get; } = TokenBatch.Range(start, end);
    public IReadOnlyList<Example> Examples { get; } = Enumerable.Range(start, end - start).Select(i => plan.Data.Examples[i]).ToArray();
    public int Length => plan.Data.Length;

    public CachedRun Clean => runs.Get(plan.Data, References);

    /// <summary>x_new of patching: each reference's counterfactual, or its seeded random pool example.</summary>
    public CachedRun Corrupted => plan.Counterfactual == CounterfactualSource.Paired
        ? runs.Get(plan.Data, References, counterfactual: true)
        : runs.Get(plan.Data, counterfactualData[start..end]);

    public Tensor CorruptedTokens => plan.Counterfactual == CounterfactualSource.Paired
        ? TokenBatch.Of(plan.Data, References, counterfactual: true)
        : TokenBatch.Of(plan.Data, counterfactualData[start..end]);

    /// <summary>Scores of runs that several checks share in this batch (e.g. one baseline for many hypotheses), by key.</summary>
    public Dictionary<string, (double[] Sums, int[] Counts)> Shared { get; } = new(StringComparer.Ordinal);

    /// <summary>The metric of the clean and of the corrupted run, computed once per batch for every check that reports it.</summary>
    public (double[] Sums, int[] Counts) CleanMetric => Reader.Clean;
    public (double[] Sums, int[] Counts) CorruptedMetric => Reader.OfRun(Corrupted.Final);

    /// <summary>The metric of this batch, unembedding only the rows it scores (the clean run's: shared with other experiments reading it).</summary>
    public MetricReader Reader => reader ??= Clean.Reader(plan.Metric, Examples);
    MetricReader? reader;

    /// <summary>The metric of one run given by its final stream.</summary>
    public (double[] Sums, int[] Counts) Metric(FinalStream run) => Reader.Evaluate(run);
}
