using CircuitDsl.TestSupport;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using TorchSharp;

namespace CircuitDsl.Interventions.Tests.Patching;

/// <summary>
/// Path patching whose senders take other values than x_new, on the hand-set induction model, where the answer is
/// known by construction: the distractor L0.H1 writes a subspace nothing reads (every source leaves the claim at 0);
/// the position embedding is the same in every example, so x_new, the pool's mean and a resampled example all send
/// exactly the clean values (0), while zero takes away the previous-token head's keys (strongly negative).
/// </summary>
[TestFixture]
public class SenderValuesTests
{
    static readonly SenderValues[] Every = Enum.GetValues<SenderValues>();

    static PathPatchCheck Path(string name, Component sender, Component receiver, SenderValues values) =>
        new(name, PathPatchSpec.Of([PatchEndpoint.At(sender)], PatchEndpoint.At(receiver))) { SenderValues = values };

    static ExperimentPlan Plan(params Check[] checks) =>
        new("sender values", HandSetInduction.Data(48, 5), MetricSpec.Loss(PositionSet.Named("repeated")), [.. checks]) { Seed = 3, BatchSize = 20 };

    ExperimentResult result = null!;

    [OneTimeSetUp]
    public void Run()
    {
        using var model = HandSetInduction.Create();
        var checks = Every.SelectMany(v => new Check[]
        {
            Path($"distractor {v}", Component.Head(0, 1), Component.Head(1, 0) with { Channel = Channel.Key }, v),
            Path($"positions {v}", Component.PosEmbed, Component.Head(0, 0) with { Channel = Channel.Key }, v),
            Path($"previous-token head {v}", Component.Head(0, 0), Component.Head(1, 0) with { Channel = Channel.Key }, v),
        }).ToArray();
        result = new ExperimentRunner(model).Run(Plan(checks));
    }

    static double Effect(ExperimentResult r, string check) => r[check][Statistic.Effect].Value;

    [Test]
    public void ASenderWhoseOutputNothingReadsHasNoEffectWhateverItTakes()
    {
        foreach (var v in Every) Assert.That(Effect(result, $"distractor {v}"), Is.EqualTo(0).Within(1e-6), v.ToString());
    }

    [TestCase(SenderValues.Counterfactual)]
    [TestCase(SenderValues.Mean)]
    [TestCase(SenderValues.Resample)]
    public void SourcesThatAgreeWithTheCleanPositionsLeaveTheRunClean(SenderValues values) =>
        Assert.That(Effect(result, $"positions {values}"), Is.EqualTo(0), "the position embedding is the same in every example, so its mean and any draw are it");

    [Test]
    public void ZeroPositionsTakeAwayThePreviousTokenHeadsKeys() =>
        Assert.That(Effect(result, $"positions {SenderValues.Zero}"), Is.LessThan(-0.5));

    [Test]
    public void EverySourceOfThePreviousTokenHeadCostsTheInductionHeadItsKeys()
    {
        // Another example's previous tokens point the induction head at wrong positions (below -0.5). Zero or mean keys
        // leave it no preference: it attends about evenly, and since each token recurs in the repeated prefix, part of
        // that attention still lands on the right token's value (about -0.27 and -0.31 here).
        foreach (var v in Every)
            Assert.That(Effect(result, $"previous-token head {v}"), Is.LessThan(v is SenderValues.Mean or SenderValues.Zero ? -0.2 : -0.5), v.ToString());
    }

    [Test]
    public void TheEffectIsNormalisedByTheCounterfactualWhateverTheSendersTake()
    {
        var corrupted = result[$"positions {SenderValues.Counterfactual}"][Statistic.Corrupted].Value;
        foreach (var v in Every) Assert.That(result[$"positions {v}"][Statistic.Corrupted].Value, Is.EqualTo(corrupted), v.ToString());
    }

    [Test]
    public void ReportsSayWhatTheSendersTookOnlyWhenItIsNotXNew()
    {
        Assert.That(result[$"positions {SenderValues.Counterfactual}"].Method.ContainsKey("sender values"), Is.False);
        Assert.That(result[$"positions {SenderValues.Zero}"].Method["sender values"], Does.StartWith("zero"));
        Assert.That(result[$"positions {SenderValues.Mean}"].Method["sender values"], Does.StartWith("the mean"));
    }

    [Test]
    public void MeanAndZeroSendersCostOneForwardPerBatchAndTheMeansOnePerPoolBatch()
    {
        using var model = HandSetInduction.Create();
        var runner = new ExperimentRunner(model);
        var receiver = Component.Head(1, 0) with { Channel = Channel.Key };
        runner.Run(Plan(Path("zero", Component.Head(0, 0), receiver, SenderValues.Zero), Path("zero too", Component.Head(0, 1), receiver, SenderValues.Zero)));
        Assert.That(runner.OtherRuns, Is.EqualTo(3), "48 references in batches of 20; both checks share one group and its sender run");
        runner.Run(Plan(Path("mean", Component.Head(0, 0), receiver, SenderValues.Mean)));
        Assert.That(runner.OtherRuns, Is.EqualTo(3 + 3), "and the pool of 48 in batches of 20 for the means");
        runner.Run(Plan(Path("x_new", Component.Head(0, 0), receiver, SenderValues.Counterfactual), Path("resample", Component.Head(0, 0), receiver, SenderValues.Resample)));
        Assert.That(runner.OtherRuns, Is.Zero, "x_new and a resampled example are cached runs");
    }

    [Test]
    public void LiveTensorsReturnToTheirStartingCount()
    {
        using var model = HandSetInduction.Create();
        var plan = Plan(Path("mean", Component.Head(0, 0), Component.Head(1, 0) with { Channel = Channel.Key }, SenderValues.Mean),
            Path("zero", Component.Embed, Component.Logits, SenderValues.Zero),
            Path("resample", Component.Head(0, 0), Component.Logits, SenderValues.Resample));
        var runner = new ExperimentRunner(model);
        runner.Run(plan); // warm-up
        long before = LiveTensors.Count();
        runner.Run(plan);
        Assert.That(torch.Tensor.TotalCount, Is.EqualTo(before));
    }

    [Test]
    public void MeansOverThePoolAndPerGroupServeOnePlan()
    {
        using var model = HandSetInduction.Create();
        var source = HandSetInduction.Data(24, 9);
        var grouped = new Dataset([.. source.Examples.Select((e, i) => new Example(e.Tokens, positions: new Dictionary<string, int[]> { ["repeated"] = e.NamedPositions("repeated") }, group: i % 2 == 0 ? "even" : "odd"))]);
        System.Collections.Immutable.ImmutableArray<PatchEndpoint> knockout = [PatchEndpoint.At(Component.Head(0, 0))];
        var plan = new ExperimentPlan("means", grouped, MetricSpec.Loss(PositionSet.Named("repeated")),
        [
            new AblationCheck("mean", knockout, new AblationMethod(AblationKind.Mean)),
            new AblationCheck("mean per group", knockout, new AblationMethod(AblationKind.Mean, MeanPerGroup: true)),
            Path("path mean", Component.Head(0, 0), Component.Logits, SenderValues.Mean),
        ]);
        var both = new ExperimentRunner(model).Run(plan);
        var alone = new ExperimentRunner(model).Run(plan with { Checks = [plan.Checks[0]] });
        Assert.That(both["mean"][Statistic.Metric], Is.EqualTo(alone["mean"][Statistic.Metric]), "the whole pool's mean does not depend on the groups kept beside it");
        Assert.That(both["mean per group"][Statistic.Metric].Value, Is.Not.EqualTo(both["mean"][Statistic.Metric].Value));
    }
}
