using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>
/// The compiled plan of the shipped induction hypotheses, run on the shipped model, measures what the same plan
/// written by hand in C# measures (small data: this runs in seconds).
/// </summary>
[TestFixture]
public class CompiledPlanTests
{
    const int Count = 16;
    LoadedModel model = null!;
    CompileOutcome compiled = null!;

    [OneTimeSetUp]
    public void Compile()
    {
        model = ZooCatalog.Load("zoo:attn-only-2l");
        compiled = Circuits.InMemoryCompiler().Compile(Circuits.BindFile(Path.Combine("hypotheses", "induction-attn-only-2l.circuit")));
        Assert.That(compiled.Success, Is.True, string.Join("\n", compiled.Diagnostics));
    }

    [OneTimeTearDown]
    public void Release() => model.Dispose();

    [Test]
    public void TheRefinedHypothesisRecoversWhatTheHandBuiltPlanRecovers()
    {
        var refined = compiled.Hypotheses.Single(h => h.Bound.Name == "refined");
        var datasets = new ZooDatasets(model.Tokenizer, model.Model.Config.ContextLength);
        var plan = refined.BuildPlan(datasets, new PlanOptions(Count: Count));
        var runner = new ExperimentRunner(model.Model);

        var fromFile = runner.Run(plan).Judging(refined.Bound.Expectations.Single().Id)!;
        var byHand = runner.Run(HandBuiltRefined())["refined"];

        Assert.That(fromFile[Statistic.Recovers].Examples, Is.EqualTo(Count));
        Assert.That(fromFile[Statistic.Recovers].Value, Is.EqualTo(byHand[Statistic.Recovers].Value).Within(1e-12));
        Assert.That(fromFile[Statistic.Iia].Value, Is.EqualTo(byHand[Statistic.Iia].Value).Within(1e-12));
        Assert.That(fromFile.Seed, Is.EqualTo(11), "the data statement's seed is the plan's seed");
    }

    [Test]
    public void CommandLineOverridesReplaceTheCountAndSeed()
    {
        var naive = compiled.Hypotheses.Single(h => h.Bound.Name == "naive");
        var plan = naive.BuildPlan(new ZooDatasets(model.Tokenizer, model.Model.Config.ContextLength), new PlanOptions(Count: 5, Seed: 2));
        Assert.That((plan.Data.Count, plan.Seed), Is.EqualTo((5, 2L)));
        Assert.That(plan.Data.Examples[0].Tokens, Is.EqualTo(RepeatedTokensData.Create(new RepeatedTokensTask(), 5, 2).Examples[0].Tokens));
    }

    /// <summary>The file's refined claim, written as the engine's README writes plans (inputs in the file's order).</summary>
    static ExperimentPlan HandBuiltRefined()
    {
        var token = CausalVariable.Of("token", x => x.Tokens[x.Pos]);
        var prevToken = CausalVariable.Of("prev_token", x => x.Tokens[x.Pos - 1]);
        var nextToken = CausalVariable.Of("next_token", x => x.Tokens[x.Pos + 1]);
        Component[] inductionHeads = [Component.Head(1, 0), Component.Head(1, 1)];
        var prevHead = InterpretationNode.Of("prev_head", Component.Head(0, 0)).Computing(prevToken)
            .From(InterpretationNode.Of("embed", Component.Embed), agreeingOn: prevToken);
        var induction = InterpretationNode.Of("induction", inductionHeads).Computing(nextToken)
            .From(InterpretationNode.Of("embed", Component.Embed), Channel.Query, token)
            .From(prevHead, Channel.Key)
            .From(InterpretationNode.Of("embed", Component.Embed), Channel.Value, token)
            .From(InterpretationNode.Of("layer0", Component.Head(0, 0), Component.Head(0, 1)), Channel.Value);
        var root = InterpretationNode.Of("out", Component.Logits).WithUnmapped(UnmappedInputs.Keep).From(induction);
        var data = RepeatedTokensData.Create(new RepeatedTokensTask(), Count, 11);
        return new ExperimentPlan("refined", data, MetricSpec.Loss(PositionSet.Named("repeated")),
            [new ScrubCheck("refined", new ScrubHypothesis("refined", root), ScrubBaseline.ResampleInputsOf(inductionHeads))]) { Seed = 11 };
    }
}
