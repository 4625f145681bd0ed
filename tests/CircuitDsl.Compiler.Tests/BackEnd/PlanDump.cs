using System.Globalization;
using System.Text;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Compiler.Tests.BackEnd;

/// <summary>
/// A readable, deterministic text of the <see cref="ExperimentPlan"/> a compiled hypothesis builds: every choice the
/// engine receives (checks, components, positions, metric, expectations, methods, counterfactual source, seed, data
/// request and size, the interpretation graph), never the data's contents. Numbers are written round-trip, so a
/// threshold that moves in its last digit shows.
/// </summary>
internal sealed class PlanDump
{
    readonly StringBuilder text = new();
    int depth;

    /// <param name="expectations">The bound expectations: each is listed with the check whose expectation carries its id.</param>
    public static string Of(ExperimentPlan plan, IReadOnlyList<DatasetRequest> requests, IReadOnlyList<(string Text, ExpectationId Id)> expectations, Func<string, string> relativePath)
    {
        var dump = new PlanDump();
        dump.Plan(plan, requests, expectations, relativePath);
        return dump.text.ToString();
    }

    void Plan(ExperimentPlan plan, IReadOnlyList<DatasetRequest> requests, IReadOnlyList<(string Text, ExpectationId Id)> expectations, Func<string, string> relativePath)
    {
        Line($"plan {plan.Name}");
        depth++;
        foreach (var request in requests)
        {
            Line($"data request: {request.Request.Task}({string.Join(", ", request.Request.Arguments.Select(a => $"{a.Key}: {Value(a.Value)}"))})");
            Line($"  relative to: {relativePath(request.BaseDirectory)}");
        }
        Data(plan.Data);
        Line($"metric: {plan.Metric.Kind} at {plan.Metric.Positions} ({(plan.Metric.HigherIsBetter ? "higher" : "lower")} is better)");
        Line($"seed: {Number(plan.Seed)}");
        Line($"counterfactual source: {plan.Counterfactual}");
        Line($"batch size: {Number(plan.BatchSize)}");
        Line($"bootstrap resamples: {Number(plan.BootstrapResamples)}");
        Line("expectations measured by:");
        foreach (var (text, id) in expectations)
            Line($"  {text} -> {(plan.Checks.SingleOrDefault(c => c.Expect?.Id == id) is { } check ? Quote(check.Name) : "(no check)")}");
        foreach (var check in plan.Checks) Check(check);
        depth--;
    }

    void Data(Dataset data)
    {
        string pool = data.PoolIsReferences ? "the references" : $"{Number(data.Pool.Count)} examples of its own";
        Line($"dataset: {data.Name}");
        Line($"  {Number(data.Count)} examples of {Number(data.Length)} tokens; pool: {pool}");
        Line($"  paired counterfactuals: {Yes(data.HasCounterfactuals)}; answers: {Yes(data.Examples.All(e => e.Answer is not null))}; wrong answers: {Yes(data.Examples.All(e => e.WrongAnswer is not null))}");
        var names = data.Examples.SelectMany(e => e.PositionNames).Distinct().Order(StringComparer.Ordinal).ToArray();
        Line($"  named positions: {(names.Length == 0 ? "(none)" : string.Join(", ", names))}");
    }

    void Check(Check check)
    {
        string kind = check switch
        {
            ModelCheck => "model",
            ScrubCheck => "scrub",
            PathPatchCheck => "path patch",
            PathSweepCheck => "path sweep",
            ActivationPatchCheck => "activation patch",
            AblationCheck => "ablation",
            CircuitFaithfulnessCheck => "circuit",
            _ => throw new NotSupportedException($"the plan dump does not know {check.GetType().Name}; teach PlanDump how to print it"),
        };
        Line($"check {kind} {Quote(check.Name)}");
        depth++;
        if (check.Expect is { } e)
            Line($"expect: {e.Statistic.Spelling()} {Operator(e.Operator)} {Number(e.Threshold)}, stated as {(e.Text is null ? "(no text)" : Quote(e.Text))}");
        else
            Line("expect: (none)");
        switch (check)
        {
            case ScrubCheck scrub:
                Line($"baseline: {scrub.Baseline.GetType().Name} ({scrub.Baseline})");
                Scrub(scrub.Hypothesis);
                break;
            case PathPatchCheck path:
                PathSpec(path.Spec);
                break;
            case PathSweepCheck sweep:
                Line($"senders, each alone: {Endpoints(sweep.Senders)}");
                PathSpec(sweep.Receivers);
                break;
            case ActivationPatchCheck patch:
                Line($"components: {Endpoints(patch.Components)}");
                Line($"direction: {patch.Direction}");
                break;
            case AblationCheck ablation:
                Line($"method: {ablation.Method.Kind}, mean per group: {Yes(ablation.Method.MeanPerGroup)}, pairing: {ablation.Method.Pairing} ({ablation.Method})");
                Line($"ablated ({ablation.Components.Length}):");
                foreach (var endpoint in ablation.Components) Line($"  {Endpoint(endpoint)}");
                break;
            case CircuitFaithfulnessCheck circuit:
                Line($"ablation: {circuit.Ablation}");
                Line($"edges ({circuit.Edges.Length}):");
                foreach (var edge in circuit.Edges) Line($"  {edge}");
                break;
        }
        depth--;
    }

    void PathSpec(PathPatchSpec spec)
    {
        Line($"senders: {Endpoints(spec.Senders)}");
        Line($"receivers: {Endpoints(spec.Receivers)}");
        Line($"freeze MLPs: {Yes(spec.FreezeMlps)}; freeze LayerNorm: {Yes(spec.FreezeLayerNorm)}");
    }

    void Scrub(ScrubHypothesis hypothesis)
    {
        Line($"hypothesis: {hypothesis.Name}{(hypothesis.Description is { } d ? " " + Quote(d) : "")}");
        Line($"  unmapped by default: {hypothesis.Unmapped}; root sampling: {hypothesis.RootSampling}");
        Line("graph:");
        depth++;
        Node(hypothesis.Root, new HashSet<InterpretationNode>(ReferenceEqualityComparer.Instance));
        depth--;
    }

    /// <summary>The graph as a tree from the root; a node read twice is written in full once, then named.</summary>
    void Node(InterpretationNode node, HashSet<InterpretationNode> written)
    {
        string head = $"node {node.Name} [{string.Join(", ", node.Components)}] at {node.Positions}";
        if (!written.Add(node))
        {
            Line(head + " (as above)");
            return;
        }
        string computes = node.Computes is { } v ? $"computes {v.Name}" : "computes (its parent's datum)";
        Line($"{head}, {computes}, unmapped {(node.Unmapped?.ToString() ?? "(hypothesis default)")}");
        depth++;
        foreach (var input in node.Inputs)
        {
            string agreeing = input.AgreeingOn is { } a ? $", agreeing on {a.Name}" : "";
            Line($"{input.Channel} at {input.Positions}{agreeing} from:");
            depth++;
            Node(input.Source, written);
            depth--;
        }
        depth--;
    }

    void Line(string line) => text.Append(' ', 2 * depth).Append(line).Append('\n');

    static string Endpoints(IEnumerable<PatchEndpoint> endpoints) => string.Join("; ", endpoints.Select(Endpoint));

    // Positions always written: PatchEndpoint.ToString leaves out "at all".
    static string Endpoint(PatchEndpoint e) => $"{e.Component} at {e.Positions}";

    static string Operator(ComparisonOperator op) => op switch
    {
        ComparisonOperator.GreaterOrEqual => ">=",
        ComparisonOperator.LessOrEqual => "<=",
        ComparisonOperator.Greater => ">",
        _ => "<",
    };

    /// <summary>Each data argument with the C# type its accessor reads it as (TaskRequest.Integer, .Choice, .FilePath, .Names).</summary>
    static string Value(TaskValue value) => value switch
    {
        TaskValue.WholeNumber number => $"{Number(number.Value)} (long)",
        TaskValue.Choice choice => $"{Quote(choice.Value)} (string)",
        TaskValue.FilePath file => $"{Quote(file.Path)} (string)",
        TaskValue.Names names => $"[{string.Join(", ", names.Items.Select(Quote))}] (ImmutableArray<string>)",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Not a task value."),
    };

    static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    static string Yes(bool value) => value ? "yes" : "no";

    static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
