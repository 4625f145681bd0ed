using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// Results are joined to the binder's expectations by identity, whatever their order or check names; a result the
/// binder's expectations cannot account for is an internal error, never a made-up number.
/// </summary>
public class ReportBuilderTests
{
    static readonly Estimate Loss = new(0.05, 0.03, 0.08, 16, 500, "bootstrap 95%");
    static readonly Estimate Other = new(0.07, 0.06, 0.09, 16, 500, "bootstrap 95%");

    /// <summary>A hypothesis whose expectations start at line 6, one a line.</summary>
    static BoundHypothesis Bound(params string[] expectations)
    {
        using var folder = new TempFolder();
        string body = string.Concat(expectations.Select(e => $"  expect {e}\n"));
        string file = folder.File("h.circuit", $"model zoo:attn-only-2l\ndata repeated_tokens(count: 16, seed: 3)\nmetric loss at repeated\n\nhypothesis h {{\n{body}}}\n");
        var analysis = CircuitAnalyzer.AnalyzeFile(file, new PhysicalFileProvider(), new ConfigModelResolver(), ZooTasks.Catalog);
        Assert.That(analysis.HasErrors, Is.False, analysis.RenderText());
        return analysis.File!.Hypotheses.Single();
    }

    static CheckResult Result(string checkName, string id, Statistic judged, Estimate estimate, IReadOnlyDictionary<Statistic, Estimate> statistics) =>
        new(checkName, "model", statistics, new Dictionary<string, string>(), 3,
            new ExpectationOutcome(new ExpectationId(id), "expect " + id, judged, estimate, true, true), []);

    static CheckResult Metric(string checkName, string id, Estimate estimate) =>
        Result(checkName, id, Statistic.Metric, estimate, new Dictionary<Statistic, Estimate> { [Statistic.Metric] = estimate });

    static HypothesisReport Build(BoundHypothesis bound, params CheckResult[] checks) =>
        ReportBuilder.Hypothesis(new RunnableHypothesis(bound, (_, _, _) => throw new InvalidOperationException("not run")),
            new ExperimentResult("h", "attn-only-2l", "repeated_tokens", 16, "loss", 3, checks), "h.circuit", "ab");

    [Test]
    public void TheExpectationIsTheJudgedStatisticsOwnEstimateAtItsLine()
    {
        var check = Metric("model metric <= 0.5", "model metric <= 0.5", Loss);
        var entry = Build(Bound("model metric <= 0.5"), check).Checks.Single();
        Assert.That(entry.Result, Is.SameAs(check), "the report holds the engine's result");
        var e = entry.Expectation!;
        Assert.That((e.Statistic, e.Value, e.Line, e.Operator, e.Threshold), Is.EqualTo((Statistic.Metric, Loss, 6, ComparisonOperator.LessOrEqual, 0.5)));
        Assert.That(e.Outcome, Is.SameAs(check.Expectation));
    }

    [Test]
    public void ResultsInAnotherOrderThanTheStatementsFindTheirOwnStatements()
    {
        var bound = Bound("model metric <= 0.5", "model metric >= 0.01");
        var report = Build(bound, Metric("second", "model metric >= 0.01", Other), Metric("first", "model metric <= 0.5", Loss));
        Assert.That(report.Checks.Select(c => (c.Result.Name, c.Expectation!.Line, c.Expectation.Operator, c.Expectation.Threshold, c.Expectation.Value)),
            Is.EqualTo(new[] { ("second", 7, ComparisonOperator.GreaterOrEqual, 0.01, Other), ("first", 6, ComparisonOperator.LessOrEqual, 0.5, Loss) }));
    }

    [Test]
    public void TwoStatementsWithTheSameTextAreTwoExpectations()
    {
        var bound = Bound("model metric <= 0.5", "model metric <= 0.5");
        Assert.That(bound.Expectations.Select(e => e.Id.Value), Is.EqualTo(new[] { "model metric <= 0.5", "model metric <= 0.5 #2" }));
        var report = Build(bound, Metric("b", "model metric <= 0.5 #2", Other), Metric("a", "model metric <= 0.5", Loss));
        Assert.That(report.Checks.Select(c => (c.Expectation!.Id.Value, c.Expectation.Line, c.Expectation.Value)),
            Is.EqualTo(new[] { ("model metric <= 0.5 #2", 7, Other), ("model metric <= 0.5", 6, Loss) }));
    }

    [Test]
    public void EachPathArrowIsLabelledWithTheEffectOfItsOwnExpectationWhateverTheResultsOrder()
    {
        var bound = Bound("path L0.H0 -> L1.H0.k effect <= 1", "path L0.H1 -> L1.H1.k effect <= 1");
        Estimate Effect(double value) => new(value, value - 0.01, value + 0.01, 16, 16, "bootstrap 95%");
        CheckResult Path(string checkName, string id, Estimate effect) =>
            Result(checkName, id, Statistic.Effect, effect, new Dictionary<Statistic, Estimate> { [Statistic.Effect] = effect });
        var report = Build(bound, Path("b", "path L0.H1 -> L1.H1.k effect <= 1", Effect(0.25)), Path("a", "path L0.H0 -> L1.H0.k effect <= 1", Effect(-0.5)));

        var lines = report.Graph!.Split('\n');
        var boxes = lines.Where(l => l.Contains("[\"")).ToDictionary(l => l.Trim().Split('[')[0], l => l.Split('"')[1]);
        var arrows = lines.Where(l => l.Contains("|\"")).ToDictionary(
            l => $"{boxes[l.Trim().Split(' ')[0]]} > {boxes[l.Trim().Split(' ')[^1]]}", l => l.Split('"')[1]);
        Assert.That(arrows, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["L0.H0 > L1.H0"] = "k · effect -0.500",
            ["L0.H1 > L1.H1"] = "k · effect 0.250",
        }), report.Graph);
    }

    [Test]
    public void AJudgedStatisticTheCheckDoesNotReportIsAnInternalError() =>
        Assert.Throws<InternalReportException>(() => Build(Bound("model metric <= 0.5"),
            Result("model metric <= 0.5", "model metric <= 0.5", Statistic.Metric, Loss, new Dictionary<Statistic, Estimate> { [Statistic.Model] = Loss })));

    [Test]
    public void AResultOfAnExpectationTheHypothesisDoesNotHaveIsAnInternalError()
    {
        var bound = Bound("model metric <= 0.5");
        Assert.Throws<InternalReportException>(() => Build(bound, Metric("model metric <= 0.5", "model metric <= 0.5 #2", Loss)));
        Assert.Throws<InternalReportException>(() => Build(bound, Metric("model metric <= 0.5", "some other check", Loss)));
    }
}
