using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>
/// <c>granularity position</c> also selects per-position resampling for scrubbing; a file that does not state it
/// lowers exactly as before. The shipped induction hypotheses, with the statement added, run on the shipped model.
/// </summary>
[TestFixture]
public class PerPositionScrubLoweringTests
{
    static string InductionFile(bool perPosition)
    {
        string text = File.ReadAllText(Path.Combine(Circuits.RepoRoot, "hypotheses", "induction-attn-only-2l.circuit"));
        return perPosition ? text.Replace("unmapped resample\n", "unmapped resample\ngranularity position\n") : text;
    }

    [Test]
    public void OnlyAStatedGranularityPositionEmitsPerPositionResampling()
    {
        string stated = Circuits.InMemoryCompiler().Lower(Circuits.Bind(InductionFile(perPosition: true))).Source!.Text;
        string unstated = Circuits.InMemoryCompiler().Lower(Circuits.Bind(InductionFile(perPosition: false))).Source!.Text;
        Assert.That(stated, Does.Contain("{ Unmapped = UnmappedInputs.Resample, Resampling = ResamplingGranularity.PerPosition };"));
        Assert.That(unstated, Does.Not.Contain("Resampling"));
    }

    [Test]
    public void TheInductionHypothesesRunPerPositionOnTheShippedModel()
    {
        using var model = ZooCatalog.Load("zoo:attn-only-2l");
        var datasets = new ZooDatasets(model.Tokenizer, model.Model.Config.ContextLength);
        var runner = new ExperimentRunner(model.Model);
        CheckResult Refined(bool perPosition)
        {
            var compiled = Circuits.InMemoryCompiler().Compile(Circuits.Bind(InductionFile(perPosition)));
            Assert.That(compiled.Success, Is.True, string.Join("\n", compiled.Diagnostics));
            var refined = compiled.Hypotheses.Single(h => h.Bound.Name == "refined");
            return runner.Run(refined.BuildPlan(datasets, new PlanOptions(Count: 16))).Judging(refined.Bound.Expectations.Single().Id)!;
        }
        var perPosition = Refined(perPosition: true);
        var perExample = Refined(perPosition: false);
        Assert.That(perPosition.Method["resampling"], Does.StartWith("per position"));
        Assert.That(perExample.Method["resampling"], Does.StartWith("per example"));
        Assert.That(perPosition[Statistic.Recovers].Value, Is.Not.EqualTo(perExample[Statistic.Recovers].Value));
        Assert.That(perPosition[Statistic.Recovers].Value, Is.InRange(0.5, 1.0), perPosition[Statistic.Recovers].ToString());
    }
}
