using CircuitDsl.TestSupport;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Execution;

/// <summary>Clean runs kept from one experiment to the next: reused bit for bit, found by their tokens, within a budget, freed by their keeper.</summary>
[TestFixture]
public class SharedRunsTests
{
    static ExperimentPlan Plan(ModelConfig config, int count, ulong seed, int batchSize) =>
        new("all", RandomModels.Data(config, count, seed), MetricSpec.LogitDiff(PositionSet.Named("END")),
            [.. ExecutionTests.EveryKindOfCheck().Where(c => config.HasMlp || c.Name is not ("denoise" or "resample"))]) // those two patch MLP 0
        {
            Counterfactual = CounterfactualSource.Paired, BatchSize = batchSize,
        };

    static void AssertSameNumbers(ExperimentResult actual, ExperimentResult expected)
    {
        Assert.That(actual.Checks.Select(c => c.Name), Is.EqualTo(expected.Checks.Select(c => c.Name)));
        foreach (var (a, e) in actual.Checks.Zip(expected.Checks))
        {
            Assert.That(a.Statistics.Keys, Is.EqualTo(e.Statistics.Keys), a.Name);
            foreach (var (statistic, estimate) in e.Statistics)
                Assert.That(a.Statistics[statistic], Is.EqualTo(estimate), $"{a.Name}: {statistic} (bit for bit)");
            Assert.That(a.PerExampleMetric, Is.EqualTo(e.PerExampleMetric), a.Name);
        }
    }

    [TestCaseSource(typeof(RandomModels), nameof(RandomModels.Scrubbable))]
    public void ALaterExperimentOnTheSameDataMakesNoCachedForwardAndGetsTheSameNumbers(ModelConfig config)
    {
        using var model = RandomModels.Create(config);
        var plan = Plan(config, 20, 3, batchSize: 7);
        var runAlone = new ExperimentRunner(model);
        var alone = runAlone.Run(plan);
        using var shared = new SharedRuns(model, SharedRuns.DefaultBudgetBytes);
        var first = new ExperimentRunner(model) { SharedRuns = shared };
        first.Run(plan with { Name = "first", Checks = [new ModelCheck("model"), .. plan.Checks.OfType<PathPatchCheck>()] });
        Assert.That(first.CachedRuns, Is.EqualTo(3 * 2), "3 batches × (clean + corrupted), made and kept");
        var second = new ExperimentRunner(model) { SharedRuns = shared };
        var reused = second.Run(plan);
        Assert.That(second.CachedRuns, Is.EqualTo(runAlone.CachedRuns - 6), "every clean and corrupted run is read from the first experiment's; resampled inputs are its own");
        Assert.That(shared.Reused, Is.EqualTo(6));
        AssertSameNumbers(reused, alone);
    }

    [Test]
    public void RunsAreFoundByTheirTokensSoOtherDataOrOtherBatchesMakeTheirOwn()
    {
        var config = RandomModels.AttentionOnly;
        using var model = RandomModels.Create(config);
        using var shared = new SharedRuns(model, SharedRuns.DefaultBudgetBytes);
        ExperimentPlan Plan(int count, ulong seed, int batchSize) => SharedRunsTests.Plan(config, count, seed, batchSize) with { Checks = [new ModelCheck("model"), new PathPatchCheck("path", ExecutionTests.EveryKindOfCheck().OfType<PathPatchCheck>().Single().Spec)] };
        new ExperimentRunner(model) { SharedRuns = shared }.Run(Plan(12, 4, batchSize: 6));
        var otherData = new ExperimentRunner(model) { SharedRuns = shared };
        var expected = new ExperimentRunner(model).Run(Plan(12, 5, batchSize: 6));
        AssertSameNumbers(otherData.Run(Plan(12, 5, batchSize: 6)), expected);
        Assert.That(otherData.CachedRuns, Is.EqualTo(2 * 2), "another seed's examples are other tokens");
        var otherBatches = new ExperimentRunner(model) { SharedRuns = shared };
        otherBatches.Run(Plan(12, 4, batchSize: 4));
        Assert.That(otherBatches.CachedRuns, Is.EqualTo(3 * 2), "batches of 4 are other token batches than batches of 6");
        var same = new ExperimentRunner(model) { SharedRuns = shared };
        same.Run(Plan(12, 4, batchSize: 6));
        Assert.That(same.CachedRuns, Is.EqualTo(0));
    }

    [Test]
    public void NothingIsKeptPastTheBudgetOrWhileNotKeeping()
    {
        var config = RandomModels.Gpt2Like;
        using var model = RandomModels.Create(config);
        var plan = Plan(config, 20, 3, batchSize: 7) with { Checks = [new ModelCheck("model"), .. ExecutionTests.EveryKindOfCheck().OfType<PathPatchCheck>()] };
        using (var none = new SharedRuns(model, budgetBytes: 0))
        {
            new ExperimentRunner(model) { SharedRuns = none }.Run(plan);
            var again = new ExperimentRunner(model) { SharedRuns = none };
            again.Run(plan);
            Assert.That((none.KeptBytes, again.CachedRuns), Is.EqualTo((0L, 6)));
        }
        long oneRun;
        using (var all = new SharedRuns(model, SharedRuns.DefaultBudgetBytes))
        {
            new ExperimentRunner(model) { SharedRuns = all }.Run(plan with { BatchSize = 20 });
            oneRun = all.KeptBytes / 2; // the clean and the corrupted run of one batch of 20
        }
        using var some = new SharedRuns(model, budgetBytes: 3 * oneRun);
        new ExperimentRunner(model) { SharedRuns = some }.Run(plan with { BatchSize = 20 });
        Assert.That(some.KeptBytes, Is.EqualTo(2 * oneRun));
        new ExperimentRunner(model) { SharedRuns = some }.Run(plan with { BatchSize = 20, Counterfactual = CounterfactualSource.Resampled });
        Assert.That(some.KeptBytes, Is.EqualTo(3 * oneRun), "the clean run is read; the first resampled run fits, no later one");
        some.Keeping = false;
        var reader = new ExperimentRunner(model) { SharedRuns = some };
        reader.Run(plan with { BatchSize = 10 });
        Assert.That((some.KeptBytes, reader.CachedRuns), Is.EqualTo((3 * oneRun, 4)), "not keeping: runs are made and freed per batch");
    }

    [Test]
    public void LiveTensorsReturnToTheirStartingCountWhenTheKeeperIsDisposed()
    {
        var config = RandomModels.Gpt2Like;
        using var model = RandomModels.Create(config);
        var plan = Plan(config, 20, 3, batchSize: 7);
        new ExperimentRunner(model).Run(plan); // warm-up: lazily created native state
        long before = LiveTensors.Count();
        using (var shared = new SharedRuns(model, SharedRuns.DefaultBudgetBytes))
        {
            new ExperimentRunner(model) { SharedRuns = shared }.Run(plan);
            new ExperimentRunner(model) { SharedRuns = shared }.Run(plan);
            Assert.That(Tensor.TotalCount, Is.GreaterThan(before), "the kept runs are alive until their keeper goes");
        }
        Assert.That(Tensor.TotalCount, Is.EqualTo(before));
    }

    [Test]
    public void AnotherModelsRunsAreRefused()
    {
        using var model = RandomModels.Create(RandomModels.AttentionOnly);
        using var other = RandomModels.Create(RandomModels.AttentionOnly, seed: 2);
        using var shared = new SharedRuns(other, SharedRuns.DefaultBudgetBytes);
        Assert.Throws<ArgumentException>(() => new RunCache(model, [], shared));
    }

    /// <summary>
    /// Runs on the same tokens share their metric readers only where the readers would read the same: other answers
    /// or other scored positions on the same tokens get readers of their own, so each experiment scores what it says.
    /// </summary>
    [TestCase("answers")]
    [TestCase("positions")]
    public void ExperimentsOnTheSameTokensThatScoreOtherwiseGetTheirOwnNumbers(string difference)
    {
        var config = RandomModels.AttentionOnly;
        using var model = RandomModels.Create(config);
        var first = Plan(config, 12, 5, batchSize: 6);
        var data = first.Data;
        // The same prompts, counterfactuals and metric (a logit difference at END); the second experiment's examples
        // swap their answers, or name another position END.
        bool answers = difference == "answers";
        var other = new Dataset([.. data.Examples.Select(e => new Example(e.Tokens, e.Counterfactual,
            answers ? e.WrongAnswer : e.Answer, answers ? e.Answer : e.WrongAnswer,
            e.PositionNames.ToDictionary(n => n, n => answers || n != "END" ? e.NamedPositions(n) : e.NamedPositions("MID")), e.Group, e.Source))], name: "other");
        var second = first with { Name = "second", Data = other };
        var alone = new ExperimentRunner(model).Run(second);
        using var shared = new SharedRuns(model, SharedRuns.DefaultBudgetBytes);
        new ExperimentRunner(model) { SharedRuns = shared }.Run(first);
        var after = new ExperimentRunner(model) { SharedRuns = shared };
        var result = after.Run(second);
        Assert.That(shared.Reused, Is.GreaterThanOrEqualTo(4), "the second experiment reads at least the first one's clean and corrupted runs (2 batches)");
        AssertSameNumbers(result, alone);
    }
}
