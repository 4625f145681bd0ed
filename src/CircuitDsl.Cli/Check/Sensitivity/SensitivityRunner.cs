using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language.Binding;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Cli.Check.Sensitivity;

using Check = CircuitDsl.Interventions.Plan.Check;

/// <summary>
/// Reruns a hypothesis's claims under the alternatives that apply to them (<see cref="SensitivityAlternatives"/>):
/// every alternative with the file's metric in one experiment run, those with the metric at all positions in a
/// second, each with the plan's seed, data and batch size, so that the clean and counterfactual runs of a batch are
/// made once and shared by every alternative. The option the ordinary run used is read from its result, not rerun.
/// An alternative the engine refuses (per-position scrubbing of a node that maps heads with other components) is
/// reported as not run, with the reason; the others still run.
/// </summary>
internal static class SensitivityRunner
{
    public static SensitivityReport Run(HookedTransformer model, ExperimentPlan plan, ExperimentResult ordinary, BoundHypothesis bound)
    {
        var claims = SensitivityAlternatives.For(bound, plan);
        var options = claims.SelectMany(c => c.Choices).SelectMany(c => c.Options).Where(o => o.Check is not null).ToArray();
        var measured = new Dictionary<string, CheckResult>(StringComparer.Ordinal);
        var notRun = new Dictionary<string, string>(StringComparer.Ordinal);
        int runs = 0, passes = 0;
        foreach (bool metricAtAll in new[] { false, true })
        {
            var checks = options.Where(o => o.MetricAtAllPositions == metricAtAll).Select(o => o.Check!).ToList();
            if (checks.Count == 0) continue;
            var variant = metricAtAll ? plan with { Metric = plan.Metric with { Positions = PositionSet.All } } : plan;
            var runner = new ExperimentRunner(model) { Circuits = new CircuitFaithfulness() };
            while (checks.Count > 0)
            {
                try
                {
                    foreach (var result in runner.Run(variant with { Checks = [.. checks] }).Checks) measured[result.Name] = result;
                    runs++;
                    passes += runner.CachedRuns + runner.OtherRuns;
                    break;
                }
                catch (Exception e) when (Culprit(e, checks) is { } culprit)
                {
                    notRun[culprit.Name] = CliErrors.OneLine(Innermost(e).Message);
                    checks.Remove(culprit);
                }
            }
        }
        var rows = claims.Select(claim => Row(claim, ordinary, measured, notRun)).ToArray();
        return new SensitivityReport(rows, options.Length, runs, passes);
    }

    static SensitivityRow Row(PlannedClaim claim, ExperimentResult ordinary, Dictionary<string, CheckResult> measured, Dictionary<string, string> notRun)
    {
        var e = claim.Expectation;
        var asRun = ordinary.Judging(e.Id)?.Expectation;
        bool passed = asRun?.Passed ?? false;
        var choices = claim.Choices.Select(choice => new SensitivityChoice(choice.Name, choice.Justified, choice.Justification, choice.Unstated,
            choice.Options.Select(o =>
            {
                if (o.Check is null) return new SensitivityOption(o.Label, true, asRun?.Estimate, asRun?.Passed);
                if (notRun.TryGetValue(o.Check.Name, out var why)) return new SensitivityOption(o.Label, false, null, null, why);
                var outcome = measured[o.Check.Name].Expectation!;
                // A statistic that is not a finite number measured nothing: it fails as a claim, but it is no verdict to flip to.
                return new SensitivityOption(o.Label, false, outcome.Estimate, double.IsFinite(outcome.Value) ? outcome.Passed : null);
            }).ToArray())).ToArray();
        return new SensitivityRow(e.Id, e.Text, claim.Kind, e.Span.Line, e.Span.Column, passed, choices, claim.NotApplicable);
    }

    /// <summary>The alternative a failure of the engine names: a check that could not run, or a scrub hypothesis that is not well formed under it.</summary>
    static Check? Culprit(Exception e, List<Check> checks) => e switch
    {
        CheckFailedException failed => checks.FirstOrDefault(c => c.Name == failed.Check),
        HypothesisException bad => checks.OfType<ScrubCheck>().FirstOrDefault(s => s.Hypothesis.Name == bad.Hypothesis),
        _ => null,
    };

    static Exception Innermost(Exception e) => e is CheckFailedException { InnerException: { } cause } ? cause : e;
}
