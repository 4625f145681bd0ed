using CircuitDsl.Cli.Check;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Zoo.Tasks;
using EngineExpectation = CircuitDsl.Interventions.Plan.Expectation;

namespace CircuitDsl.Cli.Tests.Check;

/// <summary>
/// A stand-in for the Roslyn compiler that lowers only `expect model metric OP X` on repeated_tokens, so that the
/// check pipeline (files, running, reports, exit codes) is tested on its own.
/// </summary>
internal sealed class ModelOnlyCompiler : IPlanCompiler
{
    public PlanCompilation Compile(AnalysisResult analysis) => new(
        analysis.File!.Hypotheses.Select(h => new RunnableHypothesis(h, (_, options, _) =>
        {
            int count = options.Samples ?? h.Data.Count ?? 16;
            var data = RepeatedTokensData.Create(new RepeatedTokensTask(), count, (ulong)(h.Data.Seed ?? 1));
            var checks = h.Expectations.Select(e => (Interventions.Plan.Check)new ModelCheck("model")
            {
                Expect = new EngineExpectation(e.Id, Statistic.Metric, e.Operator, e.Threshold, e.Text),
            }).ToArray();
            return new ExperimentPlan(h.Name, data, MetricSpec.Loss(PositionSet.Named("repeated")), [.. checks]) { Seed = options.Seed ?? 1 };
        })).ToArray(),
        []);
}
