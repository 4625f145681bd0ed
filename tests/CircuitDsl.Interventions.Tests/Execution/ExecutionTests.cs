using CircuitDsl.TestSupport;
using System.Collections.Immutable;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Execution;

/// <summary>Batching, cache reuse, freed tensors, and the patching and ablation checks through the runner.</summary>
[TestFixture]
public class ExecutionTests
{
    static PatchEndpoint E(Component c, PositionSet? at = null) => PatchEndpoint.At(c, at);

    internal static ImmutableArray<Check> EveryKindOfCheck() =>
    [
        new ModelCheck("model"),
        new ScrubCheck("scrub", new ScrubHypothesis("h", InterpretationNode.Of("out", Component.Logits)
            .From(InterpretationNode.Of("a", Component.Head(2, 0)).Computing(CausalVariable.Of("answer", x => x.Answer!.Value)))),
            ScrubBaseline.ResampleInputsOf(Component.Head(2, 0))),
        new PathPatchCheck("path", PathPatchSpec.Of([E(Component.Head(0, 0))], E(Component.Head(2, 1, Channel.Key)))),
        new PathSweepCheck("sweep", [E(Component.Head(0, 0)), E(Component.Head(1, 1)), E(Component.Embed)], PathPatchSpec.Of([], E(Component.Logits, PositionSet.Named("END")))),
        new ActivationPatchCheck("denoise", [E(Component.Head(1, 0)), E(Component.Mlp(0))], PatchDirection.CleanIntoCorrupted),
        new AblationCheck("mean", [E(Component.Head(1, 1), PositionSet.Named("END")), E(Component.Head(2, 0, Channel.Query))], new AblationMethod(AblationKind.Mean, MeanPerGroup: true)),
        new AblationCheck("resample", [E(Component.Mlp(0))], new AblationMethod(AblationKind.Resample, Pairing: ResamplePairing.Paired)),
        new AblationCheck("zero", [E(Component.Head(1, 0))], new AblationMethod(AblationKind.Zero)),
    ];

    [Test]
    public void LiveTensorsReturnToTheirStartingCountAfterARun()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var plan = new ExperimentPlan("all", RandomModels.Data(RandomModels.Gpt2Like, 20, 3), MetricSpec.LogitDiff(PositionSet.Named("END")), EveryKindOfCheck())
        {
            Counterfactual = CounterfactualSource.Paired, BatchSize = 7,
        };
        var runner = new ExperimentRunner(model);
        runner.Run(plan); // warm-up: lazily created native state
        long before = LiveTensors.Count();
        var result = runner.Run(plan);
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
        Assert.That(result.Checks, Has.Count.EqualTo(10), "the sweep reports one result per sender");
    }

    [Test]
    public void CleanAndCorruptedRunsAreMadeOncePerBatchForEveryCheck()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 12, 4);
        Check[] checks =
        [
            new ModelCheck("model"),
            new PathPatchCheck("p1", PathPatchSpec.Of([E(Component.Head(0, 0))], E(Component.Logits))),
            new PathPatchCheck("p2", PathPatchSpec.Of([E(Component.Head(1, 1))], E(Component.Head(2, 0, Channel.Value)))),
            new ActivationPatchCheck("a", [E(Component.Head(1, 0))], PatchDirection.CorruptedIntoClean),
        ];
        var runner = new ExperimentRunner(model);
        runner.Run(new ExperimentPlan("reuse", data, MetricSpec.KL(), [.. checks]) { Counterfactual = CounterfactualSource.Paired, BatchSize = 5 });
        Assert.That(runner.CachedRuns, Is.EqualTo(3 * 2), "3 batches × (clean + corrupted), shared by all four checks");
    }

    [Test]
    public void AKnockoutFractionIsNotANumberWhereTheModelDoesNotShowTheBehaviour()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 24, 5);
        // A random model's logit difference hovers around 0, so ablated / model could take any sign or size.
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("f", data, MetricSpec.LogitDiff(), [
            new AblationCheck("zero", [E(Component.Head(1, 0))], new AblationMethod(AblationKind.Zero)),
        ]) { Counterfactual = CounterfactualSource.Paired });
        var check = result["zero"];
        Assume.That(check.Statistics[Statistic.Model].Low, Is.LessThanOrEqualTo(0), "the random model's metric interval reaches 0");
        Assert.That(double.IsNaN(check.Statistics[Statistic.Fraction].Value), Is.True);
        Assert.That(check.Method["fraction"], Does.StartWith("undefined: the model's own metric"));
    }

    [Test]
    public void ResultsDoNotDependOnTheBatchSize()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var data = RandomModels.Data(RandomModels.Gpt2Like, 16, 6);
        ExperimentResult Run(int batch) => new ExperimentRunner(model) { MaxRows = 8 }.Run(
            new ExperimentPlan("b", data, MetricSpec.Loss(), EveryKindOfCheck()) { BatchSize = batch, Counterfactual = CounterfactualSource.Paired });
        var one = Run(16);
        var many = Run(3);
        foreach (var (a, b) in one.Checks.Zip(many.Checks))
            foreach (var (key, estimate) in a.Statistics)
                Assert.That(b.Statistics[key].Value, Is.EqualTo(estimate.Value).Within(Float32.Tolerance(estimate.Value)), $"{a.Name} {key}");
    }

    [Test]
    public void PatchingEveryInputComponentRestoresOrDestroysTheBehaviourCompletely()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 10, 7);
        var inputs = ImmutableArray.Create(E(Component.Embed), E(Component.PosEmbed));
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("act", data, MetricSpec.LogitDiff(), [
            new ActivationPatchCheck("denoise", inputs, PatchDirection.CleanIntoCorrupted),
            new ActivationPatchCheck("noise", inputs, PatchDirection.CorruptedIntoClean),
            new PathPatchCheck("no senders", PathPatchSpec.Of([], E(Component.Logits))),
        ]) { Counterfactual = CounterfactualSource.Paired });
        Assert.That(result["denoise"][Statistic.Recovers].Value, Is.EqualTo(1).Within(1e-5));
        Assert.That(result["noise"][Statistic.Effect].Value, Is.EqualTo(-1).Within(1e-5));
        Assert.That(result["no senders"][Statistic.Effect].Value, Is.EqualTo(0));
    }

    [Test]
    public void ZeroAblationOfAHeadIsTheHookReplacement()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 6, 8);
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("zero", data, MetricSpec.LogitDiff(),
            [new AblationCheck("zero", [E(Component.Head(1, 0), PositionSet.At(2, 7))], new AblationMethod(AblationKind.Zero))]));
        using var scope = NewDisposeScope();
        var tokens = TokenBatch.Of(data, TokenBatch.Range(0, data.Count));
        var logits = model.Forward(tokens, new RunOptions
        {
            Interventions = [Intervention.Replace(model.Hooks.Layers[1].Result, zeros(1), new Selection { Heads = [0], Positions = [2, 7] })],
        });
        var (sums, counts) = MetricEvaluator.Evaluate(MetricSpec.LogitDiff(), logits, data.Examples);
        // The engine unembeds only the answer columns at the metric's positions: the same numbers up to float32 rounding.
        double expected = sums.Sum() / counts.Sum();
        Assert.That(result["zero"][Statistic.Metric].Value, Is.EqualTo(expected).Within(Float32.Tolerance(expected)));
        Assert.That(result["zero"][Statistic.Metric].Value, Is.Not.EqualTo(result["zero"][Statistic.Model].Value));
    }

    [Test]
    public void AnExpectationIsJudgedOnThePointEstimateAndTheInterval()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 12, 9);
        var identity = new ScrubHypothesis("id", InterpretationNode.Of("out", Component.Logits));
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("e", data, MetricSpec.Loss(), [
            new ScrubCheck("holds", identity, ScrubBaseline.ResampledInput) { Expect = new Expectation(Statistic.Recovers, ComparisonOperator.GreaterOrEqual, 0.9) },
            new ScrubCheck("fails", identity, ScrubBaseline.ResampledInput) { Expect = new Expectation(Statistic.Recovers, ComparisonOperator.Less, 0.5) },
        ]));
        Assert.That(result["holds"].Expectation, Is.EqualTo(new ExpectationOutcome(new ExpectationId("recovers >= 0.9"), "recovers >= 0.9", Statistic.Recovers, result["holds"][Statistic.Recovers], true, true)));
        Assert.That(result["holds"].Expectation!.Value, Is.EqualTo(1.0));
        Assert.That(result["fails"].Expectation!.Passed, Is.False);
        Assert.That(result.AllExpectationsHold, Is.False);
    }

    [Test]
    public void EachKindOfCheckReportsItsStatisticsByNameInTheOrderItComputesThem()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var data = RandomModels.Data(RandomModels.Gpt2Like, 8, 4);
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("keys", data, MetricSpec.LogitDiff(PositionSet.Named("END")), EveryKindOfCheck())
        {
            Counterfactual = CounterfactualSource.Paired,
        });
        var keys = result.Checks.DistinctBy(c => c.Kind).ToDictionary(c => c.Kind, c => c.Statistics.Keys.ToArray());
        Assert.That(keys["model"], Is.EqualTo(new[] { Statistic.Metric }));
        Assert.That(keys["scrub"], Is.EqualTo(new[] { Statistic.Recovers, Statistic.Metric, Statistic.Baseline, Statistic.Model, Statistic.Iia }));
        Assert.That(keys["path"], Is.EqualTo(new[] { Statistic.Effect, Statistic.Metric, Statistic.Model, Statistic.Corrupted }));
        Assert.That(keys["path sweep"], Is.EqualTo(keys["path"]));
        Assert.That(keys["activation patch"], Is.EqualTo(new[] { Statistic.Metric, Statistic.Model, Statistic.Corrupted, Statistic.Recovers, Statistic.Effect }));
        Assert.That(keys["ablation"], Is.EqualTo(new[] { Statistic.Metric, Statistic.Model, Statistic.Fraction }));
        Assert.That(() => result["model"][Statistic.Recovers], Throws.TypeOf<KeyNotFoundException>().With.Message.Contains("reports no 'recovers' (it reports metric)"));
    }

    [Test]
    public void AnOutcomeCarriesTheIdOfTheExpectationItJudgedNotTheNameOfItsCheck()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        var data = RandomModels.Data(RandomModels.AttentionOnly, 6, 9);
        var id = new ExpectationId("model metric <= 100 #2");
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("id", data, MetricSpec.Loss(), [
            new ModelCheck("first") { Expect = new Expectation(Statistic.Metric, ComparisonOperator.LessOrEqual, 100, "expect model metric <= 100") },
            new ModelCheck("second") { Expect = new Expectation(id, Statistic.Metric, ComparisonOperator.LessOrEqual, 100, "expect model metric <= 100") },
        ]));
        Assert.That(result.Checks.Select(c => c.Expectation!.Id),
            Is.EqualTo(new[] { new ExpectationId("model metric <= 100"), id }));
        Assert.That(result.Judging(id)!.Name, Is.EqualTo("second"));
        Assert.That(result.Judging(new ExpectationId("model metric <= 100 #3")), Is.Null);
    }

    [Test]
    public void EveryKindOfExpectationCarriesTheEstimateOfTheStatisticItJudged()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var data = RandomModels.Data(RandomModels.Gpt2Like, 24, 5);
        // Each check once per statistic it reports, expecting something of that statistic.
        var probe = new ExperimentRunner(model).Run(new ExperimentPlan("probe", data, MetricSpec.LogitDiff(PositionSet.Named("END")), EveryKindOfCheck())
        {
            Counterfactual = CounterfactualSource.Paired,
        });
        var checks = EveryKindOfCheck().Where(c => c is not PathSweepCheck)
            .SelectMany(c => probe[c.Name].Statistics.Keys.Select(statistic => c with
            {
                Name = $"{c.Name} {statistic.Spelling()}", Expect = new Expectation(statistic, ComparisonOperator.GreaterOrEqual, 0),
            }))
            .ToImmutableArray();
        var result = new ExperimentRunner(model).Run(new ExperimentPlan("all", data, MetricSpec.LogitDiff(PositionSet.Named("END")), checks)
        {
            Counterfactual = CounterfactualSource.Paired,
        });
        Assert.That(result.Checks.Select(c => c.Kind).Distinct(), Is.EquivalentTo(new[] { "model", "scrub", "path", "activation patch", "ablation" }));
        foreach (var check in result.Checks)
        {
            var outcome = check.Expectation!;
            Assert.That(check.Name, Does.EndWith(" " + outcome.Statistic.Spelling()));
            Assert.That(outcome.Estimate, Is.SameAs(check[outcome.Statistic]), check.Name);
            Assert.That(outcome.Passed, Is.EqualTo(outcome.Value >= 0), check.Name);
        }
    }
}
