namespace CircuitDsl.Compiler.Tests.Lowering;

/// <summary>Expectations become the engine's checks as the README's lowering table says.</summary>
public class CheckLoweringTests
{
    static string Emit(string repoRelativePath) =>
        Circuits.InMemoryCompiler().Lower(Circuits.BindFile(repoRelativePath)).Source!.Text;

    [Test]
    public void APathSendsItsFirstStepIntoItsSecond()
    {
        string source = Emit(Path.Combine("grammar", "examples", "induction.circuit"));
        Assert.That(source, Does.Contain(
            "new PathPatchCheck(\"path L0.H0 -> induction_heads.k -> logits effect <= -0.5\", PathPatchSpec.Of([PatchEndpoint.At(Component.Head(0, 0))], PatchEndpoint.At(Component.Head(1, 0, Channel.Key)), PatchEndpoint.At(Component.Head(1, 1, Channel.Key))))"));
    }

    [Test]
    public void PathsKeepTheirPositions()
    {
        string source = Emit(Path.Combine("grammar", "examples", "ioi.circuit"));
        Assert.That(source, Does.Contain(
            "PathPatchSpec.Of([PatchEndpoint.At(Component.Head(2, 2), PositionSet.Named(\"S1\", 1)), PatchEndpoint.At(Component.Head(4, 11), PositionSet.Named(\"S1\", 1))], PatchEndpoint.At(Component.Head(5, 5, Channel.Key), PositionSet.Named(\"S1\", 1)), PatchEndpoint.At(Component.Head(6, 9, Channel.Key), PositionSet.Named(\"S1\", 1)))"));
    }

    [Test]
    public void ACircuitClaimCarriesTheHypothesissOwnEdgesAndTheFilesAblation()
    {
        string source = Emit(Path.Combine("hypotheses", "induction-edges.circuit"));
        string naive = source.Split('\n').First(l => l.Contains("new CircuitFaithfulnessCheck(\"circuit faithfulness >= 0.8\""));
        Assert.That(naive, Does.Contain("new CircuitEdge(Component.Head(0, 0), Component.Head(1, 0, Channel.Key))"));
        Assert.That(naive, Does.Contain("new CircuitEdge(Component.Head(1, 1), Component.Logits)"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(naive, "new CircuitEdge\\(").Count, Is.EqualTo(11));
        Assert.That(naive, Does.EndWith("], AblationKind.Resample)"));
        Assert.That(source, Does.Contain("Expect = new Expectation(new ExpectationId(\"circuit faithfulness >= 0.8\"), Statistic.Faithfulness, ComparisonOperator.GreaterOrEqual, 0.8"));
    }

    [Test]
    public void KnockoutPerPositionAblatesTheRestOfTheModelAndTheCircuitElsewhere()
    {
        string source = Emit(Path.Combine("grammar", "examples", "ioi.circuit"));
        string knockout = source.Split('\n').Single(l => l.Contains("new AblationCheck("));
        Assert.That(knockout, Does.Contain("PatchEndpoint.At(Component.Head(0, 0))"), "an unmapped head, everywhere");
        Assert.That(knockout, Does.Contain("PatchEndpoint.At(Component.Mlp(0))"), "MLPs are components too");
        Assert.That(knockout, Does.Contain("PatchEndpoint.At(Component.Head(9, 9), PositionSet.All.Except(PositionSet.Named(\"END\")))"), "a name mover off its position");
        Assert.That(knockout, Does.Contain("PatchEndpoint.At(Component.Head(3, 0), PositionSet.All.Except(PositionSet.Named(\"S2\")))"));
        Assert.That(knockout, Does.Contain("new AblationMethod(AblationKind.Mean, MeanPerGroup: true, Pairing: ResamplePairing.Paired)"));
        Assert.That(source, Does.Contain("Expect = new Expectation(new ExpectationId(\"knockout recovers >= 0.87\"), Statistic.Fraction, ComparisonOperator.GreaterOrEqual, 0.87"));
    }

    [Test]
    public void EachCheckStatesTheIdOfItsExpectationAndARepeatedStatementIsTheSecond()
    {
        string source = Circuits.InMemoryCompiler().Lower(Circuits.Bind(Circuits.Header + "hypothesis h {\n  expect model metric <= 5\n  expect model metric <= 5\n}\n")).Source!.Text;
        Assert.That(source, Does.Contain("new ModelCheck(\"model metric <= 5\")"));
        Assert.That(source, Does.Contain("new ModelCheck(\"model metric <= 5 #2\")"));
        Assert.That(source, Does.Contain("Expect = new Expectation(new ExpectationId(\"model metric <= 5\"), Statistic.Metric, ComparisonOperator.LessOrEqual, 5.0, \"expect model metric <= 5\"),"));
        Assert.That(source, Does.Contain("Expect = new Expectation(new ExpectationId(\"model metric <= 5 #2\"), Statistic.Metric, ComparisonOperator.LessOrEqual, 5.0, \"expect model metric <= 5\"),"));
    }

    [Test]
    public void ModelExpectationsMeasureTheModel() =>
        Assert.That(Emit(Path.Combine("grammar", "examples", "ioi.circuit")), Does.Contain("new ModelCheck(\"model metric >= 3.0\")"));

    [Test]
    public void TheRootKeepsItsOtherInputsAndTheFilesUnmappedChoiceGovernsTheRest()
    {
        string source = Emit(Path.Combine("hypotheses", "induction-attn-only-2l.circuit"));
        Assert.That(source, Does.Contain("var node_out = InterpretationNode.Of(\"out\", Component.Logits)\n                .WithUnmapped(UnmappedInputs.Keep)"));
        Assert.That(source, Does.Contain("{ Unmapped = UnmappedInputs.Resample };"));
    }
}

public class CounterfactualLoweringTests
{
    static string Emit(string data) =>
        Circuits.InMemoryCompiler().Lower(Circuits.Bind($"model zoo:gpt2-small\ndata {data}\nmetric logit_diff(IO, S) at END\n" + Circuits.ModelOnly)).Source!.Text;

    [Test]
    public void IoiPatchesWithEachPromptsOwnAbcCounterfactualByDefault() =>
        Assert.That(Emit("ioi(count: 8, seed: 1)"), Does.Contain("Counterfactual = CounterfactualSource.Paired"));

    [Test]
    public void AResampledCounterfactualIsNotPaired() =>
        Assert.That(Emit("ioi(count: 8, seed: 1, counterfactual: resample)"), Does.Contain("Counterfactual = CounterfactualSource.Resampled"));
}
