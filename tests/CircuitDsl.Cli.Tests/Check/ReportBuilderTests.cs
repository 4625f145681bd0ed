using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>A result the binder's expectations cannot account for is an internal error, never a made-up number.</summary>
public class ReportBuilderTests
{
    static readonly Estimate Loss = new(0.05, 0.03, 0.08, 16, 500, "bootstrap 95%");

    static BoundHypothesis Bound()
    {
        using var folder = new TempFolder();
        string file = folder.File("h.circuit", "model zoo:attn-only-2l\ndata repeated_tokens(count: 16, seed: 3)\nmetric loss at repeated\n\nhypothesis h {\n  expect model metric <= 0.5\n}\n");
        var analysis = CircuitAnalyzer.AnalyzeFile(file, new PhysicalFileProvider(), new ConfigModelResolver(), ZooTasks.Catalog);
        Assert.That(analysis.HasErrors, Is.False, analysis.RenderText());
        return analysis.File!.Hypotheses.Single();
    }

    static HypothesisReport Build(string checkName, string judged, IReadOnlyDictionary<string, Estimate> statistics)
    {
        var bound = Bound();
        var runnable = new RunnableHypothesis(bound, (_, _, _) => throw new InvalidOperationException("not run"), ["model metric <= 0.5"]);
        var check = new CheckResult(checkName, "model", statistics, new Dictionary<string, string>(), 3,
            new ExpectationOutcome("expect model metric <= 0.5", judged, Loss, true, true), []);
        return ReportBuilder.Hypothesis(runnable, new ExperimentResult("h", "attn-only-2l", "repeated_tokens", 16, "loss", 3, [check]), "h.circuit", "ab");
    }

    [Test]
    public void TheExpectationIsTheJudgedStatisticsOwnEstimateAtItsLine()
    {
        var e = Build("model metric <= 0.5", "metric", new Dictionary<string, Estimate> { ["metric"] = Loss }).Checks.Single().Expectation!;
        Assert.That((e.Statistic, e.Value, e.Line, e.Operator, e.Threshold), Is.EqualTo(("metric", Loss, 6, ComparisonOperator.LessOrEqual, 0.5)));
    }

    [Test]
    public void AJudgedStatisticTheCheckDoesNotReportIsAnInternalError() =>
        Assert.Throws<InternalReportException>(() => Build("model metric <= 0.5", "metric", new Dictionary<string, Estimate> { ["model"] = Loss }));

    [Test]
    public void ACheckNoExpectationAskedForIsAnInternalError() =>
        Assert.Throws<InternalReportException>(() => Build("some other check", "metric", new Dictionary<string, Estimate> { ["metric"] = Loss }));
}
