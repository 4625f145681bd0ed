using System.Collections.Immutable;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;

namespace CircuitDsl.Compiler.Lowering;

/// <summary>
/// Writes one hypothesis as a method that builds its <c>ExperimentPlan</c>: the dataset (from the provider), the
/// metric, the causal variables it uses, the interpretation graph (sources before readers) and one check per
/// expectation. The binder has refused whatever the engine cannot run, so lowering reports nothing: it only spells.
/// </summary>
internal sealed class PlanLowering(BoundHypothesis hypothesis, CSharpWriter writer, VariableLowering variables, string variablesClass)
{
    /// <summary>The parameters of every generated builder; CircuitCompiler calls it with these.</summary>
    public const string Parameters = "IDatasetProvider datasets, string baseDirectory, int? count, long? seed";

    readonly NameAllocator locals = new("datasets", "baseDirectory", "count", "seed", "arguments", "data", "metric", "hypothesis", "baseline");
    readonly Dictionary<LoweredVariable, string> variableLocals = [];
    readonly Dictionary<InterpretationNode, string> nodeLocals = new(ReferenceEqualityComparer.Instance);

    public void Write(string methodName)
    {
        writer.Line($"// hypothesis {hypothesis.Name} ({CSharpText.Comment(Location(hypothesis.Span))})");
        writer.Open($"public static ExperimentPlan {methodName}({Parameters})");
        new DataLowering(hypothesis.Data, writer).Write();
        writer.Line($"var metric = new MetricSpec({VocabularyExpressions.Enum(hypothesis.Metric.Kind)}, {VocabularyExpressions.Positions(hypothesis.Metric.Positions)});");
        string? root = hypothesis.Graph is { } graph ? WriteGraph(graph) : null;
        var checks = Checks(root);
        writer.Line();
        writer.Line($"return new ExperimentPlan({CSharpText.String(hypothesis.Name)}, data, metric,");
        writer.Line("[");
        using (writer.Indented())
        {
            foreach (var check in checks)
                foreach (string line in check)
                    writer.Line(line);
        }
        writer.Line("])");
        writer.Line("{");
        using (writer.Indented())
        {
            writer.Line($"Seed = seed ?? {CSharpText.Long(hypothesis.Data.Seed ?? 0)},");
            writer.Line($"Counterfactual = {DataLowering.Choose(hypothesis.Data, "CounterfactualSource.Paired", "CounterfactualSource.Resampled")},");
        }
        writer.Line("};");
        writer.Close();
    }

    string Variable(CausalVariable variable)
    {
        var lowered = variables.Lower(variable, hypothesis)!; // every variable passed the sandbox before plans are written
        if (variableLocals.TryGetValue(lowered, out var local)) return local;
        local = locals.Allocate(variable.Name is null ? $"expr_line{variable.Span.Line}_col{variable.Span.Column}" : "var_" + variable.Name);
        writer.Line($"var {local} = CausalVariable.Of<{lowered.Type}>({CSharpText.String(lowered.EngineName)}, {variablesClass}.{lowered.MethodName});");
        variableLocals[lowered] = local;
        return local;
    }

    /// <summary>Named nodes as locals, sources first; inline nodes are written where they are read. Returns the root's local.</summary>
    string WriteGraph(InterpretationGraph graph)
    {
        writer.Line();
        var nodes = SourcesFirst(graph.Root).ToList();
        // The variables first, in the order the graph uses them, so the nodes below read as the claim.
        foreach (var node in nodes)
        {
            if (node.Computes is { } computes) Variable(computes);
            foreach (var input in node.Inputs)
                if ((input.Source.IsInline ? input.Source.Computes : input.AgreeingOn) is { } condition) Variable(condition);
        }
        foreach (var node in nodes)
        {
            var parts = new List<string>();
            if (node.Computes is { } computes) parts.Add($".Computing({Variable(computes)})");
            if (!node.Positions.IsAll) parts.Add($".At({VocabularyExpressions.Positions(node.Positions)})");
            // Chan et al.'s induction setup: the root keeps the residual terms no node maps (the direct paths to the
            // logits), as every baseline does; `unmapped` governs the nodes below it.
            if (ReferenceEquals(node, graph.Root)) parts.Add($".WithUnmapped({VocabularyExpressions.Enum(UnmappedInputs.Keep)})");
            foreach (var input in node.Inputs)
                parts.Add($".From({Input(input)})");
            string local = locals.Allocate("node_" + node.Name);
            nodeLocals[node] = local;
            writer.Line($"var {local} = {NewNode(node)}");
            using (writer.Indented())
            {
                for (int i = 0; i < parts.Count; i++)
                    writer.Line(parts[i] + (i == parts.Count - 1 ? ";" : ""));
            }
            if (parts.Count == 0) writer.Line(";");
        }
        writer.Line($"var hypothesis = new ScrubHypothesis({CSharpText.String(hypothesis.Name)}, {nodeLocals[graph.Root]}, {Nullable(hypothesis.Description)})");
        // Per-position resampling only when the file states `granularity position`, so other plans read as before.
        string resampling = hypothesis.Method.Granularity is { IsStated: true, Value: Granularity.Position }
            ? $", Resampling = {VocabularyExpressions.Enum(CircuitDsl.Interventions.Plan.ResamplingGranularity.PerPosition)}" : "";
        writer.Line($"{{ Unmapped = {VocabularyExpressions.Enum(hypothesis.Method.Unmapped.Value)}{resampling} }};");
        return nodeLocals[graph.Root];
    }

    static IEnumerable<InterpretationNode> SourcesFirst(InterpretationNode root)
    {
        var seen = new HashSet<InterpretationNode>(ReferenceEqualityComparer.Instance);
        var order = new List<InterpretationNode>();
        void Visit(InterpretationNode node)
        {
            if (!seen.Add(node)) return;
            foreach (var input in node.Inputs.Where(i => !i.Source.IsInline)) Visit(input.Source);
            order.Add(node);
        }
        Visit(root);
        return order;
    }

    static string NewNode(InterpretationNode node) =>
        $"InterpretationNode.Of({CSharpText.String(node.Name)}{string.Concat(node.Components.Select(c => ", " + VocabularyExpressions.Component(c)))})";

    string Input(InterpretationInput input)
    {
        // An inline source is an anonymous node whose variable is the clause's `agreeing on`; the engine reads the
        // condition from the edge, as a hand-written plan does.
        var source = input.Source;
        string sourceText = source.IsInline
            ? NewNode(source) + (source.Positions.IsAll ? "" : $".At({VocabularyExpressions.Positions(source.Positions)})")
            : nodeLocals[source];
        var condition = source.IsInline ? source.Computes : input.AgreeingOn;
        string text = $"{sourceText}, {VocabularyExpressions.Enum(input.Channel)}";
        if (condition is not null) text += $", agreeingOn: {Variable(condition)}";
        if (!input.Positions.IsAll) text += $", positions: {VocabularyExpressions.Positions(input.Positions)}";
        return text;
    }

    static string Nullable(string? text) => text is null ? "null" : CSharpText.String(text);

    /// <summary>
    /// One check per expectation, named and identified by the binder's <see cref="ExpectationId"/>: the result carries
    /// the id back, and reports find the statement by it.
    /// </summary>
    List<string[]> Checks(string? root)
    {
        var checks = new List<string[]>();
        bool baselineWritten = false;
        foreach (var expectation in hypothesis.Expectations)
        {
            string name = expectation.Id.Value;
            string construct = expectation.Subject switch
            {
                ExpectationSubject.Scrub when root is not null => $"new ScrubCheck({CSharpText.String(name)}, hypothesis, {Baseline(ref baselineWritten)})",
                ExpectationSubject.Knockout when hypothesis.Graph is not null => Knockout(name, hypothesis.Graph),
                ExpectationSubject.Path when expectation.Path is not null => Path(name, expectation),
                ExpectationSubject.Model => $"new ModelCheck({CSharpText.String(name)})",
                ExpectationSubject.Circuit when !expectation.Edges.IsEmpty => Circuit(name, expectation),
                _ => throw Unlowerable(expectation, "it needs an interpretation graph or a path"),
            };
            checks.Add([
                construct,
                "{",
                $"    Expect = new Expectation(new ExpectationId({CSharpText.String(name)}), {VocabularyExpressions.Enum(expectation.Statistic)}, {VocabularyExpressions.Enum(expectation.Operator)}, {CSharpText.Double(expectation.Threshold)}, {CSharpText.String(expectation.Text)}),",
                "},",
            ]);
        }
        return checks;
    }

    string Baseline(ref bool written)
    {
        if (!written)
        {
            var baseline = hypothesis.Method.Baseline.Value;
            string text = baseline.Kind switch
            {
                BaselineKind.ShuffledLabels => "ScrubBaseline.ShuffledLabels",
                BaselineKind.ResampledInput => "ScrubBaseline.ResampledInput",
                _ => $"ScrubBaseline.ResampleInputsOf({string.Join(", ", baseline.Components.Select(VocabularyExpressions.Component))})",
            };
            writer.Line($"var baseline = {text};");
            written = true;
        }
        return "baseline";
    }

    /// <summary>
    /// Knockout: <c>direction circuit</c> ablates every head and MLP no node maps (and, per position, a mapped
    /// component at the positions its nodes do not claim); <c>direction complement</c> ablates what the nodes map.
    /// </summary>
    string Knockout(string name, InterpretationGraph graph)
    {
        var method = hypothesis.Method;
        bool perPosition = method.Granularity.Value == Granularity.Position;
        var claimed = new Dictionary<Component, List<PositionSet>>();
        foreach (var node in graph.Nodes)
            foreach (var component in node.Components.Where(c => c.Kind is ComponentKind.Head or ComponentKind.Mlp))
                (claimed.TryGetValue(component.AsOutput, out var sets) ? sets : claimed[component.AsOutput] = []).Add(node.Positions);

        var endpoints = new List<string>();
        foreach (var component in AllComponents(hypothesis.Model))
        {
            bool mapped = claimed.TryGetValue(component, out var sets);
            bool everywhere = !perPosition || !mapped || sets!.Any(s => s.IsAll);
            string positions = everywhere ? "PositionSet.All" : Union(sets!);
            if (method.Direction.Value == KnockoutDirection.Complement && mapped)
                endpoints.Add(VocabularyExpressions.Endpoint(component, positions));
            else if (method.Direction.Value == KnockoutDirection.Circuit && !mapped)
                endpoints.Add(VocabularyExpressions.Endpoint(component, "PositionSet.All"));
            else if (method.Direction.Value == KnockoutDirection.Circuit && !everywhere)
                endpoints.Add(VocabularyExpressions.Endpoint(component, $"PositionSet.All.Except({positions})"));
        }
        var ablation = method.Ablation.Value;
        string pairing = DataLowering.Choose(hypothesis.Data, "ResamplePairing.Paired", "ResamplePairing.Shuffled");
        return $"new AblationCheck({CSharpText.String(name)}, [{string.Join(", ", endpoints)}], new AblationMethod({VocabularyExpressions.Enum(ablation.Kind)}, MeanPerGroup: {(ablation.PerGroup is null ? "false" : "true")}, Pairing: {pairing}))";
    }

    static string Union(List<PositionSet> sets)
    {
        var positions = sets.SelectMany(s => s.Selectors).Distinct().ToImmutableArray();
        return VocabularyExpressions.Positions(new PositionSet(positions));
    }

    static IEnumerable<Component> AllComponents(ModelShape model)
    {
        for (int layer = 0; layer < model.Layers; layer++)
        {
            for (int head = 0; head < model.HeadsPerLayer; head++) yield return Component.Head(layer, head);
            if (model.HasMlps) yield return Component.Mlp(layer);
        }
    }

    /// <summary>
    /// Path patching (Wang et al.): the first step sends, the second receives (a head's q/k/v, a whole head = its
    /// q, k and v, or the logits), and everything after the receivers is recomputed freely, so a trailing
    /// <c>-> logits</c> adds nothing. The binder has refused every other path (CD2039, CD2040).
    /// </summary>
    static string Path(string name, BoundExpectation expectation)
    {
        var path = expectation.Path!;
        string receiverPositions = VocabularyExpressions.Positions(path.Receivers.Positions);
        var receivers = path.Receivers.Components.SelectMany(component => component is { Kind: ComponentKind.Head, Channel: Channel.Output }
            ? [component with { Channel = Channel.Query }, component with { Channel = Channel.Key }, component with { Channel = Channel.Value }]
            : new[] { component });
        string senderPositions = VocabularyExpressions.Positions(path.Senders.Positions);
        string senders = string.Join(", ", path.Senders.Components.Select(c => VocabularyExpressions.Endpoint(c, senderPositions)));
        return $"new PathPatchCheck({CSharpText.String(name)}, PathPatchSpec.Of([{senders}], {string.Join(", ", receivers.Select(r => VocabularyExpressions.Endpoint(r, receiverPositions)))}))";
    }

    /// <summary>
    /// Circuit faithfulness of the hypothesis's own edges (the binder lists them): the file's ablation kind says what an
    /// ablated edge carries (resample, the default, is counterfactual patching).
    /// </summary>
    string Circuit(string name, BoundExpectation expectation)
    {
        var edges = expectation.Edges.Select(e => $"new CircuitEdge({VocabularyExpressions.Component(e.Sender)}, {VocabularyExpressions.Component(e.Receiver)})");
        return $"new CircuitFaithfulnessCheck({CSharpText.String(name)}, [{string.Join(", ", edges)}], {VocabularyExpressions.Enum(hypothesis.Method.Ablation.Value.Kind)})";
    }

    /// <summary>The binder refuses every statement the engine cannot run; reaching here is a bug of CircuitDsl.</summary>
    static InvalidOperationException Unlowerable(BoundExpectation expectation, string why) =>
        new($"the binder let through '{expectation.Text}' ({expectation.Span.File}:{expectation.Span.Line}:{expectation.Span.Column}), which cannot be lowered: {why}");

    static string Location(Language.Syntax.SourceSpan span) => $"{span.File}:{span.Line}";
}
