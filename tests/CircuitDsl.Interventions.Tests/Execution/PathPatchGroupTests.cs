using CircuitDsl.TestSupport;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;

namespace CircuitDsl.Interventions.Tests.Execution;

/// <summary>Path checks sharing their receivers run as one stacked pass per batch, with each check's result as if it ran alone.</summary>
[TestFixture]
public class PathPatchGroupTests
{
    static PatchEndpoint E(Component c, PositionSet? at = null) => PatchEndpoint.At(c, at);

    static readonly PatchEndpoint Key = E(Component.Head(2, 1, Channel.Key));

    // Two groups of shared receivers (the logits; L2.H1.k), and two checks whose receivers differ from theirs only in a
    // freeze option or in the positions: four passes per batch instead of seven.
    static Check[] Checks() =>
    [
        new PathPatchCheck("h00 -> logits", PathPatchSpec.Of([E(Component.Head(0, 0))], E(Component.Logits))),
        new PathPatchCheck("h00 -> k", PathPatchSpec.Of([E(Component.Head(0, 0))], Key)),
        new PathPatchCheck("h11, mlp0 -> logits", PathPatchSpec.Of([E(Component.Head(1, 1)), E(Component.Mlp(0))], E(Component.Logits)))
        {
            Expect = new Expectation(Statistic.Effect, ComparisonOperator.LessOrEqual, 0.5),
        },
        new PathPatchCheck("h10 -> k", PathPatchSpec.Of([E(Component.Head(1, 0), PositionSet.Named("END"))], Key)),
        new PathPatchCheck("h00 -> k, mlps frozen", PathPatchSpec.Of([E(Component.Head(0, 0))], Key) with { FreezeMlps = true }),
        new PathPatchCheck("embed -> logits", PathPatchSpec.Of([E(Component.Embed)], E(Component.Logits))),
        new PathPatchCheck("h10 -> k at END", PathPatchSpec.Of([E(Component.Head(1, 0))], E(Component.Head(2, 1, Channel.Key), PositionSet.Named("END")))),
    ];

    static ExperimentPlan Plan(Dataset data, params Check[] checks) =>
        new("paths", data, MetricSpec.Loss(), [.. checks]) { Counterfactual = CounterfactualSource.Resampled, BatchSize = 5, Seed = 3 };

    [Test]
    public void ChecksSharingReceiversGiveWhatEachGivesInItsOwnPlan()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var data = RandomModels.Data(RandomModels.Gpt2Like, 12, 9);
        var runner = new ExperimentRunner(model);
        var together = runner.Run(Plan(data, Checks()));
        Assert.That(runner.PathPatchPasses, Is.EqualTo(3 * 4), "3 batches × 4 distinct receiver sets");
        foreach (var check in Checks())
        {
            var alone = runner.Run(Plan(data, check));
            Assert.That(runner.PathPatchPasses, Is.EqualTo(3));
            var (a, t) = (alone[check.Name], together[check.Name]);
            Assert.That(t.Kind, Is.EqualTo(a.Kind));
            Assert.That(t.Method, Is.EquivalentTo(a.Method), check.Name);
            Assert.That(t.Expectation?.Passed, Is.EqualTo(a.Expectation?.Passed), check.Name);
            for (int i = 0; i < a.PerExampleMetric.Count; i++)
                Assert.That(t.PerExampleMetric[i], Is.EqualTo(a.PerExampleMetric[i]).Within(Float32.Tolerance(a.PerExampleMetric[i])), $"{check.Name}, example {i}");
            foreach (var (statistic, estimate) in a.Statistics)
                foreach (var (x, y) in new[] { (t.Statistics[statistic].Value, estimate.Value), (t.Statistics[statistic].Low, estimate.Low), (t.Statistics[statistic].High, estimate.High) })
                    Assert.That(x, Is.EqualTo(y).Within(Tolerance(a, statistic, y)), $"{check.Name} {statistic}");
        }
    }

    /// <summary>
    /// Float32 rounding of the metrics (another batch shape sums in another order) carried through a statistic:
    /// the effect (m_p − m_c) / (m_c − m_x) divides by a difference of metrics, which amplifies it by (|m_p| + |m_c|) / |m_c − m_x|.
    /// </summary>
    static double Tolerance(CheckResult result, Statistic statistic, double expected)
    {
        if (statistic != Statistic.Effect) return Float32.Tolerance(expected);
        double patched = result[Statistic.Metric].Value, clean = result[Statistic.Model].Value, corrupted = result[Statistic.Corrupted].Value;
        return Float32.Tolerance(expected) + Float32.Relative * (Math.Abs(patched) + Math.Abs(clean)) / Math.Abs(clean - corrupted);
    }

    [Test]
    public void ResultsKeepThePlansOrder()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var result = new ExperimentRunner(model).Run(Plan(RandomModels.Data(RandomModels.Gpt2Like, 6, 10), Checks()));
        Assert.That(result.Checks.Select(c => c.Name), Is.EqualTo(Checks().Select(c => c.Name)));
    }

    [Test]
    public void AnInvalidSenderFailsItsOwnCheckNotTheGroupsFirst()
    {
        using var model = RandomModels.Create(RandomModels.Gpt2Like);
        var plan = Plan(RandomModels.Data(RandomModels.Gpt2Like, 6, 11),
            new PathPatchCheck("valid", PathPatchSpec.Of([E(Component.Head(0, 0))], E(Component.Logits))),
            new PathPatchCheck("invalid", PathPatchSpec.Of([E(Component.Head(0, 0, Channel.Query))], E(Component.Logits))));
        var failure = Assert.Throws<CheckFailedException>(() => new ExperimentRunner(model).Run(plan));
        Assert.That(failure!.Check, Is.EqualTo("invalid"));
    }
}
