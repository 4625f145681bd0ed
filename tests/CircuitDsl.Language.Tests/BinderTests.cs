using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Language.Tests;

/// <summary>The bound hypothesis the compiler and engine consume.</summary>
public class BinderTests
{
    private static BoundCircuitFile BindExample(string name)
    {
        var result = CircuitAnalyzer.AnalyzeFile(name, new RootedFileProvider(TestSupport.ExamplesDirectory), TestSupport.Models, TestSupport.Tasks);
        Assert.That(result.File, Is.Not.Null, result.RenderText());
        return result.File!;
    }

    [Test]
    public void InductionHypothesesAreBoundCompletely()
    {
        var file = BindExample("induction.circuit");
        var naive = file.Hypotheses.Single(h => h.Name == "naive");

        Assert.That(file.Hypotheses.Select(h => h.Name), Is.EqualTo(new[] { "naive", "refined" }));
        Assert.That(naive.Model, Is.EqualTo(TestSupport.AttnOnly2L));
        Assert.That(naive.Data.Task.Name, Is.EqualTo("repeated_tokens"));
        Assert.That((naive.Data.Count, naive.Data.Seed, naive.Data.Counterfactual), Is.EqualTo(((int?)512, (long?)7, "resample")));
        Assert.That(naive.Metric.Kind, Is.EqualTo(MetricKind.Loss));
        Assert.That(naive.Metric.Positions.ToString(), Is.EqualTo("repeated"));
        Assert.That(naive.Method.Ablation, Is.EqualTo(naive.Method.Ablation with { Value = new AblationChoice(AblationKind.Resample, null), IsStated = true }));
        Assert.That(naive.Method.Baseline.Value.Kind, Is.EqualTo(BaselineKind.ResampleInputsOf));
        Assert.That(naive.Method.Baseline.Value.Components, Is.EqualTo(new[] { Component.Head(1, 0), Component.Head(1, 1) }));
        Assert.That(naive.Method.Direction.IsStated, Is.False);
        Assert.That(naive.Variables.Select(v => v.Name), Is.EqualTo(new[] { "token", "prev_token", "next_token" }));
        Assert.That(naive.Groups.Single().Components, Has.Length.EqualTo(2));
    }

    [Test]
    public void InterpretationGraphLinksEachNodeToItsInputs()
    {
        var naive = BindExample("induction.circuit").Hypotheses[0];
        var graph = naive.Graph!;

        Assert.That(graph.Root.Name, Is.EqualTo("out"));
        Assert.That(graph.Root.Components, Is.EqualTo(new[] { Component.Logits }));
        var edge = graph.Root.Inputs.Single();
        Assert.That(edge.Source.Name, Is.EqualTo("induction"));
        Assert.That(edge.Condition!.Name, Is.EqualTo("next_token"));
        Assert.That(edge.Source.Inputs.Select(c => (c.Channel, c.Source.Name, c.Condition?.Name)), Is.EqualTo(new[]
        {
            (Channel.Query, "induction.q:embed", (string?)"token"),
            (Channel.Key, "prev_head", "prev_token"),
            (Channel.Value, "induction.v:embed", "token"),
        }));
        var previousHead = edge.Source.Inputs[1].Source;
        Assert.That(previousHead.Components, Is.EqualTo(new[] { Component.Head(0, 0) }));
        Assert.That(previousHead.Inputs.Single().Source.Components, Is.EqualTo(new[] { Component.Embed }));
    }

    [Test]
    public void VariablesKeepExpressionTextAndSpan()
    {
        var naive = BindExample("induction.circuit").Hypotheses[0];
        var prev = naive.Variables.Single(v => v.Name == "prev_token");

        Assert.That(prev.Expression, Is.EqualTo("x.Tokens[x.Pos - 1]"));
        Assert.That((prev.Span.File, prev.Span.Line, prev.Span.Column), Is.EqualTo(("induction.circuit", 14, 18)));
    }

    [Test]
    public void PathExpectationsAreResolved()
    {
        var paths = BindExample("ioi.circuit").Hypotheses.Single(h => h.Name == "paths");
        var sInhibition = paths.Expectations.Single(e => e.Text.StartsWith("expect path s_inhibition", StringComparison.Ordinal));

        Assert.That(sInhibition.Subject, Is.EqualTo(ExpectationSubject.Path));
        Assert.That(sInhibition.Path!.Hops[1].Components, Is.EqualTo(new[]
        {
            Component.Head(9, 9, Channel.Query), Component.Head(9, 6, Channel.Query), Component.Head(10, 0, Channel.Query),
        }));
        Assert.That(sInhibition.Path.Hops[0].Positions.ToString(), Is.EqualTo("END"));
        Assert.That((sInhibition.Operator, sInhibition.Threshold), Is.EqualTo((ComparisonOperator.LessOrEqual, -0.1)));
        var previous = paths.Expectations.Last();
        Assert.That(previous.Path!.Hops[0].Positions.Selectors.Single(), Is.EqualTo(new NamedPosition("S1", 1)));
    }

    [Test]
    public void PercentThresholdsAreFractions()
    {
        var refined = BindExample("induction.circuit").Hypotheses[1];

        Assert.That(refined.Expectations.Single().Threshold, Is.EqualTo(0.85).Within(1e-12));
        Assert.That(refined.Unimportant, Is.EqualTo(new[] { Component.Head(0, 1) }));
    }

    [Test]
    public void ImportsShareDefinitions()
    {
        var files = new InMemoryFileProvider()
            .Add("lib/common.circuit", "import \"more.circuit\"\nlet token = x.Tokens[x.Pos]\n")
            .Add("lib/more.circuit", "group heads = L1.H*\n");
        string main = "import \"lib/common.circuit\"\nmodel zoo:attn-only-2l\ndata repeated_tokens(count: 8, seed: 1)\nmetric loss\n"
            + "hypothesis h {\n  expect path heads -> logits effect <= -0.1\n  node out = logits\n    from heads agreeing on token\n  baseline resampled_input\n  expect scrub recovers >= 0.5\n}\n";

        var result = TestSupport.Analyze(main, files);

        Assert.That(result.Diagnostics, Is.Empty, result.RenderText());
        Assert.That(result.File!.ImportedFiles, Is.EqualTo(new[] { "lib/common.circuit", "lib/more.circuit" }));
        Assert.That(result.File.Hypotheses[0].Graph!.Root.Inputs.Single().Condition!.Name, Is.EqualTo("token"));
    }

    [Test]
    public void ModelResolverFailuresBecomeDiagnostics()
    {
        var throwing = new ThrowingResolver();
        var sources = SourceLoader.LoadText("model zoo:x\ndata repeated_tokens(count: 1, seed: 1)\nmetric loss\nhypothesis h {\n}\n", "main.circuit", new InMemoryFileProvider());

        var result = Binder.Bind(sources, throwing, TestSupport.Tasks);

        Assert.That(result.Diagnostics.Single().Code, Is.EqualTo("CD5003"));
        Assert.That(result.Diagnostics.Single().Message, Does.Contain("config is broken"));
    }

    [Test]
    public void AnUnresolvedModelGivesOneErrorNotAFollowOnRootError()
    {
        var sources = SourceLoader.LoadText(
            "model zoo:x\ndata repeated_tokens(count: 1, seed: 1)\nmetric loss\nhypothesis h {\n  node out = logits\n    from L0.H0\n}\n",
            "main.circuit", new InMemoryFileProvider());

        var result = Binder.Bind(sources, new ThrowingResolver(), TestSupport.Tasks);

        Assert.That(result.Diagnostics.Select(d => d.Code), Is.EqualTo(new[] { "CD5003" }));
    }

    [Test]
    public void PathsToTheLogitsRunForwardWhateverTheLayerCount()
    {
        // The logits' residual order is 2 * layers + 1: in int arithmetic it wrapped round to -1 at int.MaxValue
        // layers, and every path into the logits was reported as running backwards (CD2007).
        var huge = TestSupport.Gpt2Small with { Name = "huge", Layers = int.MaxValue };
        var resolver = new InMemoryModelResolver(new Dictionary<string, ModelShape> { ["zoo:huge"] = huge });
        var sources = SourceLoader.LoadText(
            "model zoo:huge\ndata repeated_tokens(count: 1, seed: 1)\nmetric loss\nhypothesis h {\n  expect path embed -> L0.H0 -> logits effect <= -0.1\n}\n",
            "main.circuit", new InMemoryFileProvider());

        var result = Binder.Bind(sources, resolver, TestSupport.Tasks);

        Assert.That(result.Diagnostics, Is.Empty, string.Join("\n", result.Diagnostics.Select(d => d.Message)));
    }

    [Test]
    public void TheTaskCatalogueCanBeExtended()
    {
        var task = ParensSource.Instance.Definition with { Name = "brackets" };
        var sources = SourceLoader.LoadText("model zoo:attn-only-1l\ndata brackets(count: 1, seed: 1)\nmetric accuracy at END\nhypothesis h {\n  expect model metric >= 0.9\n}\n", "main.circuit", new InMemoryFileProvider());

        var result = Binder.Bind(sources, TestSupport.Models, ZooTasks.Catalog.With(task));

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.File!.Hypotheses[0].Data.Task.Name, Is.EqualTo("brackets"));
    }

    private sealed class ThrowingResolver : IModelResolver
    {
        public ModelResolution Resolve(string reference, string referencingDirectory) => throw new InvalidDataException("config is broken");
    }
}
