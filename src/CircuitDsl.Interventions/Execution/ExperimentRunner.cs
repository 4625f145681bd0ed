using CircuitDsl.Interventions.Ablation;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Runs an experiment plan: references stream through in batches; per batch the clean, corrupted and resampled runs
/// are made once (<see cref="RunCache"/>) and every check reads them; all tensors of a batch are freed before the
/// next, so peak memory depends on the batch size, not on the number of examples.
/// </summary>
public sealed class ExperimentRunner(HookedTransformer model)
{
    /// <summary>Rows per stacked forward in path-patching sweeps (variants × batch).</summary>
    public int MaxRows { get; init; } = 256;

    /// <summary>Measures <see cref="CircuitFaithfulnessCheck"/>s (Discovery's edge patching, supplied by the caller).</summary>
    public ICircuitEvaluator? Circuits { get; init; }

    /// <summary>Clean runs kept across experiments on this model (a file's hypotheses on the same data make each forward once); null to keep none.</summary>
    public SharedRuns? SharedRuns { get; init; }

    /// <summary>Path patching's pass D recomputes only the heads a receiver touches in its layer (<see cref="PathPatcher.TouchedHeadsOnly"/>); false for the whole tail, as a reference.</summary>
    public bool TouchedHeadsOnly { get; init; } = true;

    /// <summary>Forward passes made by the last <see cref="Run"/> for clean/corrupted/resampled inputs (shared by all checks; those read from <see cref="SharedRuns"/> are not made).</summary>
    public int CachedRuns { get; private set; }

    /// <summary>
    /// Other forward passes of the last <see cref="Run"/>: the pool's means (one per pool batch, when some check needs a
    /// mean), path senders' mean or zero runs (one per batch and group of path checks) and circuit measurements'.
    /// </summary>
    public int OtherRuns { get; private set; }

    /// <summary>
    /// PathPatcher passes made by the last <see cref="Run"/>: one per batch for each set of receivers, however many
    /// path checks share it (for tests of grouping).
    /// </summary>
    public int PathPatchPasses { get; private set; }

    public ExperimentResult Run(ExperimentPlan plan)
    {
        var hooks = new ComponentHooks(model);
        var data = plan.Data;
        var counterfactualData = new int[data.Count];
        var random = SplitMix64.For(plan.Seed, "counterfactual");
        for (int i = 0; i < data.Count; i++) counterfactualData[i] = data.PoolDatum(random.Next(data.Pool.Count));
        var shuffled = new int[data.Count];
        var ablationRandom = SplitMix64.For(plan.Seed, "ablation");
        for (int i = 0; i < data.Count; i++) shuffled[i] = data.PoolDatum(ablationRandom.Next(data.Pool.Count));

        var meanComponents = plan.Checks.OfType<AblationCheck>().Where(a => a.Method.Kind == AblationKind.Mean).SelectMany(a => a.Components.Select(c => c.Component))
            .Concat(plan.Checks.OfType<PathPatchCheck>().Where(p => p.SenderValues == SenderValues.Mean).SelectMany(p => p.Spec.Senders.Select(s => s.Component)))
            .ToHashSet();
        using var means = MeanActivations.Compute(hooks, data, meanComponents, plan.Checks.OfType<AblationCheck>().Any(a => a.Method.MeanPerGroup), plan.BatchSize);
        var pathGroups = new List<PathPatchGroup>();
        // Path checks whose senders take other values than x_new read them from a run of their own (SenderRuns).
        (CachedRun, bool) SenderRun(BatchContext batch, SenderValues values, IEnumerable<PatchEndpoint> senders) =>
            SenderRuns.For(values, batch, senders, means, shuffled);
        var evaluators = plan.Checks.Select(c => Evaluator(c, plan, hooks, means, shuffled, pathGroups, SenderRun)).ToArray();
        CachedRuns = 0;
        var nativeMemory = new NativeMemoryBound();
        var batches = TokenBatch.Ranges(data.Count, plan.BatchSize).ToArray();
        for (int b = 0; b < batches.Length; b++)
        {
            RunBatch(plan, hooks, batches[b].Start, batches[b].End, counterfactualData, evaluators);
            nativeMemory.AfterBatch(last: b == batches.Length - 1); // every tensor of the batch is freed by now
        }
        PathPatchPasses = pathGroups.Sum(g => g.Passes);
        OtherRuns = (meanComponents.Count == 0 ? 0 : TokenBatch.Ranges(data.Pool.Count, plan.BatchSize).Count()) + pathGroups.Sum(g => g.SenderRuns);
        var results = evaluators.SelectMany(e => e.Finish()).ToArray();
        OtherRuns += evaluators.OfType<CircuitFaithfulnessEvaluator>().Sum(e => e.ForwardPasses);
        return new ExperimentResult(plan.Name, model.Config.Name, data.Name, data.Count, plan.Metric.ToString(), plan.Seed, results);
    }

    void RunBatch(ExperimentPlan plan, ComponentHooks hooks, int start, int end, int[] counterfactualData, CheckEvaluator[] evaluators)
    {
        using var scope = NewDisposeScope();
        using var runs = new RunCache(model, hooks.StandardHooks(), SharedRuns);
        var batch = new BatchContext(plan, hooks, runs, start, end, counterfactualData);
        foreach (var evaluator in evaluators)
        {
            try
            {
                evaluator.Batch(batch);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or ShapeMismatchException or KeyNotFoundException)
            {
                throw new CheckFailedException(evaluator.Name, e);
            }
        }
        CachedRuns += runs.Runs;
    }

    CheckEvaluator Evaluator(Check check, ExperimentPlan plan, ComponentHooks hooks, MeanActivations means, int[] shuffled, List<PathPatchGroup> pathGroups,
        Func<BatchContext, SenderValues, IEnumerable<PatchEndpoint>, (CachedRun, bool)> senderRun) => check switch
    {
        ModelCheck m => new ModelEvaluator(m, plan),
        ScrubCheck s => new ScrubCheckEvaluator(s, plan, hooks),
        PathPatchCheck p => new PathPatchEvaluator(p, plan, [p.Spec.Senders], sweep: false, GroupFor(p.Spec, pathGroups, p.SenderValues, senderRun)),
        PathSweepCheck s => new PathPatchEvaluator(s, plan, s.Senders.Select(x => (IReadOnlyList<PatchEndpoint>)[x]).ToArray(), sweep: true, GroupFor(s.Receivers, pathGroups)),
        ActivationPatchCheck a => new ActivationPatchEvaluator(a, plan),
        AblationCheck a => new AblationEvaluator(a, plan, means, shuffled),
        CircuitFaithfulnessCheck c => new CircuitFaithfulnessEvaluator(c, plan, model, Circuits
            ?? throw new InvalidOperationException($"check '{c.Name}' measures a circuit on the edge graph, but this runner was given no circuit evaluator (ExperimentRunner.Circuits)")),
        _ => throw new ArgumentException($"unknown check kind {check.GetType().Name}"),
    };

    /// <summary>The group of path checks with these receivers (a new one for receivers no earlier check has).</summary>
    PathPatchGroup GroupFor(PathPatchSpec spec, List<PathPatchGroup> groups, SenderValues values = SenderValues.Counterfactual,
        Func<BatchContext, SenderValues, IEnumerable<PatchEndpoint>, (CachedRun, bool)>? senderRun = null)
    {
        var group = groups.FirstOrDefault(g => g.Accepts(spec, values));
        if (group is null)
            groups.Add(group = new PathPatchGroup(spec with { Senders = [] }, values,
                values == SenderValues.Counterfactual || senderRun is null ? null : (batch, senders) => senderRun(batch, values, senders)) { MaxRows = MaxRows, TouchedHeadsOnly = TouchedHeadsOnly });
        return group;
    }
}

/// <summary>A check that could not run; the message names the check and the cause.</summary>
public sealed class CheckFailedException(string check, Exception cause) : Exception($"check '{check}': {cause.Message}", cause)
{
    public string Check { get; } = check;
}
