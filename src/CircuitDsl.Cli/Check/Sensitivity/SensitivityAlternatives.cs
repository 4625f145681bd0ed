using System.Collections.Immutable;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Cli.Check.Sensitivity;

using Check = CircuitDsl.Interventions.Plan.Check;

/// <summary>One option of a choice: its label and the check that measures the claim under it (null: the ordinary run's).</summary>
internal sealed record PlannedOption(string Label, Check? Check, bool MetricAtAllPositions = false);

/// <summary>A choice as it applies to one claim, with its options in a fixed order (the one run among them).</summary>
internal sealed record PlannedChoice(string Name, bool Justified, string Justification, string Unstated, IReadOnlyList<PlannedOption> Options);

/// <summary>One claim of a hypothesis and the choices its verdict is rerun under.</summary>
internal sealed record PlannedClaim(BoundExpectation Expectation, string Kind, IReadOnlyList<PlannedChoice> Choices, string? NotApplicable);

/// <summary>
/// Which alternatives apply to which claim (the CLI's README, "check --sensitivity"): one choice varied at a time,
/// every other as the file has it. Path claims: what the senders take (x_new, a resampled pool example, the pool's
/// per-position mean, zero), justified by an explicit <c>counterfactual:</c> in the data statement. Knockouts: the
/// ablation (zero, mean, mean per group where the data has groups, resample), justified by an <c>ablation</c> line;
/// and, where some node claims positions, the granularity (justified by a <c>granularity</c> line). Scrubs resample
/// by definition: what varies is <c>unmapped</c> (keep, resample) and <c>granularity</c> (one source per node copy,
/// or per position). Path claims written with <c>at</c> are rerun at all positions, and every claim but the model's
/// with the metric at all positions when the metric has <c>at</c>; a written <c>at</c> is a stated choice. Circuit
/// faithfulness: what its ablated edges carry (x_new, the pool's mean, zero), justified by an <c>ablation</c> line. The
/// model's own metric has no choice to vary.
/// </summary>
internal static class SensitivityAlternatives
{
    public static IReadOnlyList<PlannedClaim> For(BoundHypothesis bound, ExperimentPlan plan)
    {
        var claims = new List<PlannedClaim>();
        foreach (var expectation in bound.Expectations)
        {
            var check = plan.Checks.FirstOrDefault(c => c.Expect?.Id == expectation.Id);
            if (check is null) continue; // the binder's expectations each have a check; a stand-in plan may not
            var choices = new List<PlannedChoice>();
            string kind;
            string? notApplicable = null;
            switch (check)
            {
                case PathPatchCheck path:
                    kind = "path";
                    choices.Add(SenderValuesChoice(bound, path));
                    if (ClaimPositionsChoice(path) is { } positions) choices.Add(positions);
                    break;
                case AblationCheck knockout:
                    kind = "knockout";
                    choices.Add(AblationChoice(bound, plan, knockout));
                    if (GranularityChoice(bound, knockout) is { } granularity) choices.Add(granularity);
                    break;
                case ScrubCheck scrub:
                    kind = "scrub";
                    choices.Add(UnmappedChoice(bound, scrub));
                    choices.Add(ResamplingChoice(bound, scrub));
                    break;
                case CircuitFaithfulnessCheck circuit:
                    kind = "circuit";
                    choices.Add(EdgeAblationChoice(bound, circuit));
                    break;
                case ModelCheck:
                    kind = "model";
                    notApplicable = "the unmodified model: no ablation or position choice to vary";
                    break;
                default:
                    kind = "other";
                    notApplicable = "no alternatives are defined for this kind of check yet";
                    break;
            }
            if (notApplicable is null && MetricPositionsChoice(plan, check) is { } metric) choices.Add(metric);
            claims.Add(new PlannedClaim(expectation, kind, choices, notApplicable));
        }
        return claims;
    }

    static string Name(Check check, string choice, string option) => $"{check.Name} | {choice}: {option}";

    static string StatedAt<T>(Stated<T> choice) => $"stated at line {choice.Span.Line}";

    static PlannedChoice SenderValuesChoice(BoundHypothesis bound, PathPatchCheck path)
    {
        // The binder fills in a task's default counterfactual; only one the statement writes justifies x_new.
        string? counterfactual = bound.Data.StatedArguments.Contains(TaskRequest.CounterfactualArgument) ? bound.Data.Counterfactual : null;
        PlannedOption Option(string label, SenderValues values) => values == path.SenderValues
            ? new(label, null)
            : new(label, path with { Name = Name(path, "ablation", label), SenderValues = values });
        return new PlannedChoice("ablation", counterfactual is not null,
            counterfactual is not null ? $"the data statement states counterfactual: {counterfactual} (line {bound.Data.Span.Line})" : "the file does not state its counterfactual",
            "the file does not state its counterfactual",
            [Option("x_new", SenderValues.Counterfactual), Option("resample", SenderValues.Resample), Option("mean", SenderValues.Mean), Option("zero", SenderValues.Zero)]);
    }

    static PlannedChoice? ClaimPositionsChoice(PathPatchCheck path)
    {
        var spec = path.Spec;
        if (spec.Senders.Concat(spec.Receivers).All(e => e.Positions.IsAll)) return null;
        static ImmutableArray<PatchEndpoint> Everywhere(ImmutableArray<PatchEndpoint> endpoints) => [.. endpoints.Select(e => e with { Positions = PositionSet.All })];
        var all = path with { Name = Name(path, "claim positions", "all positions"), Spec = spec with { Senders = Everywhere(spec.Senders), Receivers = Everywhere(spec.Receivers) } };
        return new PlannedChoice("claim positions", true, "written with `at`", "", [new("as written", null), new("all positions", all)]);
    }

    static PlannedChoice AblationChoice(BoundHypothesis bound, ExperimentPlan plan, AblationCheck knockout)
    {
        var stated = knockout.Method;
        string group = bound.Method.Ablation.Value.PerGroup ?? bound.Data.Task.ExampleGroups.FirstOrDefault() ?? "group";
        bool groups = plan.Data.Examples.Any(e => e.Group is not null);
        var options = new List<PlannedOption>();
        void Add(string label, AblationMethod method) => options.Add(method == stated
            ? new(label, null)
            : new(label, knockout with { Name = Name(knockout, "ablation", label), Method = method }));
        Add("zero", stated with { Kind = AblationKind.Zero, MeanPerGroup = false });
        Add("mean", stated with { Kind = AblationKind.Mean, MeanPerGroup = false });
        if (groups || stated.MeanPerGroup) Add($"mean per {group}", stated with { Kind = AblationKind.Mean, MeanPerGroup = true });
        Add("resample", stated with { Kind = AblationKind.Resample, MeanPerGroup = false });
        var ablation = bound.Method.Ablation;
        return new PlannedChoice("ablation", ablation.IsStated, ablation.IsStated ? StatedAt(ablation) : "the file does not state one", "the file does not state one", options);
    }

    /// <summary>What a circuit's ablated edges carry: x_new's write (counterfactual patching, as MIB measures), the pool's mean, or zero.</summary>
    static PlannedChoice EdgeAblationChoice(BoundHypothesis bound, CircuitFaithfulnessCheck circuit)
    {
        // `resample` (and the default) is counterfactual patching: of the three, the option that reads x_new.
        var asRun = circuit.Ablation is AblationKind.Zero or AblationKind.Mean ? circuit.Ablation : AblationKind.Resample;
        PlannedOption Option(string label, AblationKind kind) => kind == asRun
            ? new(label, null)
            : new(label, circuit with { Name = Name(circuit, "ablation", label), Ablation = kind });
        var ablation = bound.Method.Ablation;
        return new PlannedChoice("ablation", ablation.IsStated, ablation.IsStated ? StatedAt(ablation) : "the file does not state one", "the file does not state one",
            [Option("x_new", AblationKind.Resample), Option("mean", AblationKind.Mean), Option("zero", AblationKind.Zero)]);
    }

    /// <summary>Knockouts of a graph some node of which claims positions: whole components, or only off the claimed positions.</summary>
    static PlannedChoice? GranularityChoice(BoundHypothesis bound, AblationCheck knockout)
    {
        if (bound.Graph is not { } graph || graph.Nodes.All(n => n.Positions.IsAll)) return null;
        var stated = bound.Method.Granularity;
        // The knockout as the lowering writes it; should this ever differ from the plan's, the choice is left out rather than misreported.
        if (!KnockoutEndpoints.For(bound, stated.Value).SequenceEqual(knockout.Components)) return null;
        PlannedOption Option(Granularity g) => g == stated.Value
            ? new(Spell(g), null)
            : new(Spell(g), knockout with { Name = Name(knockout, "granularity", Spell(g)), Components = KnockoutEndpoints.For(bound, g) });
        return new PlannedChoice("granularity", stated.IsStated, stated.IsStated ? StatedAt(stated) : "the file does not state one", "the file does not state one",
            [Option(Granularity.Component), Option(Granularity.Position)]);
    }

    static string Spell(Granularity g) => g == Granularity.Position ? "position" : "component";

    static PlannedChoice UnmappedChoice(BoundHypothesis bound, ScrubCheck scrub)
    {
        var hypothesis = scrub.Hypothesis;
        PlannedOption Option(UnmappedInputs u)
        {
            string label = u.ToString().ToLowerInvariant();
            if (u == hypothesis.Unmapped) return new(label, null);
            string name = Name(scrub, "unmapped", label);
            return new(label, scrub with { Name = name, Hypothesis = hypothesis with { Name = name, Unmapped = u } });
        }
        var unmapped = bound.Method.Unmapped;
        return new PlannedChoice("unmapped", unmapped.IsStated, unmapped.IsStated ? StatedAt(unmapped) : "the file does not state one", "the file does not state one",
            [Option(UnmappedInputs.Resample), Option(UnmappedInputs.Keep)]);
    }

    static PlannedChoice ResamplingChoice(BoundHypothesis bound, ScrubCheck scrub)
    {
        var hypothesis = scrub.Hypothesis;
        PlannedOption Option(ResamplingGranularity r)
        {
            string label = r == ResamplingGranularity.PerPosition ? "position" : "component";
            if (r == hypothesis.Resampling) return new(label, null);
            string name = Name(scrub, "granularity", label);
            return new(label, scrub with { Name = name, Hypothesis = hypothesis with { Name = name, Resampling = r } });
        }
        var granularity = bound.Method.Granularity;
        return new PlannedChoice("granularity", granularity.IsStated, granularity.IsStated ? StatedAt(granularity) : "the file does not state one", "the file does not state one",
            [Option(ResamplingGranularity.PerExample), Option(ResamplingGranularity.PerPosition)]);
    }

    static PlannedChoice? MetricPositionsChoice(ExperimentPlan plan, Check check)
    {
        if (plan.Metric.Positions.IsAll) return null;
        var all = check with { Name = Name(check, "metric positions", "all positions") };
        if (all is ScrubCheck scrub) all = scrub with { Hypothesis = scrub.Hypothesis with { Name = all.Name } };
        return new PlannedChoice("metric positions", true, "written with `at`", "",
            [new($"at {plan.Metric.Positions}", null), new("all positions", all, MetricAtAllPositions: true)]);
    }
}
