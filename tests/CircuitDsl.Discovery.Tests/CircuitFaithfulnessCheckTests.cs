using CircuitDsl.TestSupport;
using System.Collections.Immutable;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Discovery.Tests.Support;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using TorchSharp;

namespace CircuitDsl.Discovery.Tests;

/// <summary>
/// `expect circuit faithfulness` as the engine runs it (a plan's check, measured through <see cref="ICircuitEvaluator"/>
/// by Discovery's edge patching) on the hand-set induction model, whose circuit is known by construction.
/// </summary>
public class CircuitFaithfulnessCheckTests
{
    static HookedTransformer model = null!;
    static readonly MetricSpec Metric = MetricSpec.Loss(PositionSet.Named("repeated"));

    [OneTimeSetUp]
    public static void Build() => model = HandSetCircuit.Create();

    [OneTimeTearDown]
    public static void Free() => model.Dispose();

    static ExperimentPlan Plan(IEnumerable<Edge> edges, AblationKind ablation = AblationKind.Resample, Expectation? expect = null) =>
        new("hand-set", HandSetCircuit.Data(64, 3), Metric,
            [new CircuitFaithfulnessCheck("circuit", [.. edges.Select(e => new CircuitEdge(e.Sender, e.Receiver))], ablation) { Expect = expect }])
        { Seed = 1, BatchSize = 32 };

    static CheckResult Run(ExperimentPlan plan) => new ExperimentRunner(model) { Circuits = new CircuitFaithfulness() }.Run(plan).Checks.Single();

    [Test]
    public void TheKnownCircuitIsWhollyFaithful()
    {
        var result = Run(Plan(HandSetCircuit.Circuit, expect: new Expectation(Statistic.Faithfulness, ComparisonOperator.GreaterOrEqual, 0.99)));

        Assert.That(result.Kind, Is.EqualTo("circuit"));
        Assert.That(result[Statistic.Faithfulness].Value, Is.EqualTo(1).Within(1e-5));
        Assert.That(result[Statistic.Metric].Value, Is.EqualTo(result[Statistic.Model].Value).Within(1e-5));
        Assert.That(result[Statistic.Baseline].Value, Is.GreaterThan(result[Statistic.Model].Value + 0.5));
        Assert.That(result.Expectation!.Passed && result.Expectation.IntervalAgrees, Is.True);
        Assert.That(result.Method["circuit"], Does.StartWith("5 of 42 edges; m(C) "));
        Assert.That(result.Method["ablation"], Does.StartWith("counterfactual patching"));
    }

    [Test]
    public void EdgesThatCarryNothingChangeNothing()
    {
        // Every edge outside the circuit scores exactly 0 under exact patching, so adding some keeps f at 1.
        var extra = new Edge[] { new(Component.Head(0, 1), Component.Head(1, 1, Channel.Key)), new(Component.Head(1, 1), Component.Logits), new(Component.PosEmbed, Component.Head(0, 0, Channel.Query)) };
        var result = Run(Plan(HandSetCircuit.Circuit.Concat(extra)));

        Assert.That(result[Statistic.Faithfulness].Value, Is.EqualTo(1).Within(1e-5));
    }

    [Test]
    public void WithoutItsEdgeIntoTheLogitsTheCircuitIsTheEmptyCircuit()
    {
        // The logits then read every sender's write on x_new, whatever else is kept: m(C) = m(empty), so f = 0.
        var result = Run(Plan(HandSetCircuit.Circuit.Where(e => e.Receiver != Component.Logits)));

        Assert.That(result[Statistic.Faithfulness].Value, Is.EqualTo(0).Within(1e-4));
        Assert.That(result[Statistic.Metric].Value, Is.EqualTo(result[Statistic.Baseline].Value).Within(1e-4));
    }

    [Test]
    public void ItIsTheNumberDiscoveryGivesADraft()
    {
        // Without the key edge the induction head attends by its query alone: a value between 0 and 1 only measurement gives.
        var circuitWithoutKeys = HandSetCircuit.Circuit.Where(e => e.Receiver != Component.Head(1, 0, Channel.Key)).ToArray();
        var plan = Plan(circuitWithoutKeys);
        using var discovery = new EdgeDiscovery(model, new DiscoverySettings(plan.Data, Metric) { Seed = plan.Seed, BatchSize = plan.BatchSize, Counterfactual = plan.Counterfactual });
        var (f, circuit, full, empty) = discovery.Faithfulness(circuitWithoutKeys);

        var result = Run(plan);

        Assert.That(result[Statistic.Faithfulness].Value, Is.EqualTo(f));
        Assert.That((result[Statistic.Metric].Value, result[Statistic.Model].Value, result[Statistic.Baseline].Value), Is.EqualTo((circuit, full, empty)));
        TestContext.Out.WriteLine($"without L0.H0 -> L1.H0.k: f = {f}");
    }

    [TestCase(AblationKind.Zero, "zero")]
    [TestCase(AblationKind.Mean, "mean")]
    public void TheFilesAblationIsTheEdgesAblation(AblationKind ablation, string words)
    {
        var plan = Plan(HandSetCircuit.Circuit, ablation);
        using var discovery = new EdgeDiscovery(model, new DiscoverySettings(plan.Data, Metric)
        {
            Seed = plan.Seed, BatchSize = plan.BatchSize, Ablation = ablation == AblationKind.Zero ? EdgeAblation.Zero : EdgeAblation.Mean,
        });

        var result = Run(plan);

        Assert.That(result[Statistic.Faithfulness].Value, Is.EqualTo(discovery.Faithfulness(HandSetCircuit.Circuit).Faithfulness));
        Assert.That(result.Method["ablation"], Does.StartWith(words));
    }

    [Test]
    public void TheIntervalIsDeterministicAndNoTensorOutlivesTheRun()
    {
        var plan = Plan(HandSetCircuit.Circuit.Skip(1));
        var first = Run(plan); // also creates lazily made native state
        long before = LiveTensors.Count();
        var second = Run(plan);

        Assert.That(torch.Tensor.TotalCount, Is.EqualTo(before));
        Assert.That(second[Statistic.Faithfulness], Is.EqualTo(first[Statistic.Faithfulness]));
        Assert.That(second[Statistic.Faithfulness].Low, Is.LessThan(second[Statistic.Faithfulness].High));
    }

    [Test]
    public void TwoBoundsOnOneCircuitShareOneMeasurement()
    {
        var edges = HandSetCircuit.Circuit.Skip(1).Select(e => new CircuitEdge(e.Sender, e.Receiver)).ToImmutableArray();
        var plan = Plan(HandSetCircuit.Circuit) with
        {
            Checks =
            [
                new CircuitFaithfulnessCheck("lower", edges, AblationKind.Resample) { Expect = new Expectation(Statistic.Faithfulness, ComparisonOperator.GreaterOrEqual, 0) },
                new CircuitFaithfulnessCheck("upper", edges.Reverse().ToImmutableArray(), AblationKind.Resample) { Expect = new Expectation(Statistic.Faithfulness, ComparisonOperator.LessOrEqual, 1) },
            ],
        };
        var evaluator = new CountingEvaluator();

        var runner = new ExperimentRunner(model) { Circuits = evaluator };
        var result = runner.Run(plan);

        Assert.That(evaluator.Measured, Is.EqualTo(1));
        Assert.That(runner.OtherRuns, Is.EqualTo(2 * 3), "two batches of 32: each its clean and counterfactual runs and one stacked evaluation, counted once");
        Assert.That(result["lower"][Statistic.Faithfulness], Is.EqualTo(result["upper"][Statistic.Faithfulness]));
    }

    sealed class CountingEvaluator : ICircuitEvaluator
    {
        readonly CircuitFaithfulness inner = new();
        /// <summary>Measurements that ran forward passes (a shared one reports none, so the runner counts its passes once).</summary>
        public int Measured { get; private set; }

        public CircuitMeasurement Measure(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check)
        {
            var measurement = inner.Measure(model, plan, check);
            if (measurement.ForwardPasses > 0) Measured++;
            return measurement;
        }

        public string? Refusal(HookedTransformer model, ExperimentPlan plan, CircuitFaithfulnessCheck check) => inner.Refusal(model, plan, check);
    }

    [Test]
    public void AMeasurementOverTheMemoryBoundIsRefusedBeforeAnythingRuns()
    {
        var runner = new ExperimentRunner(model) { Circuits = new CircuitFaithfulness { MaxCacheBytes = 1 << 20 } };

        var thrown = Assert.Throws<InvalidOperationException>(() => runner.Run(Plan(HandSetCircuit.Circuit)));

        Assert.That(thrown!.Message, Does.StartWith("check 'circuit': measuring a circuit keeps every sender's").And.Contain("over its limit of 1 MiB"));
        Assert.That(runner.CachedRuns, Is.EqualTo(0), "refused before the first batch");
    }

    [Test]
    public void AnEdgeTheGraphLacksIsNamed()
    {
        var plan = Plan([new Edge(Component.Head(1, 0), Component.Head(0, 0, Channel.Key))]);

        var thrown = Assert.Throws<ArgumentException>(() => Run(plan));
        Assert.That(thrown!.Message, Does.Contain("L1.H0 -> L0.H0.k is not an edge"));
    }
}
