using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>
/// Binds one hypothesis: its settings (its own, else the file's), variables, groups, nodes, interpretation
/// graph, unimportant claims and expectations. Returns null when the hypothesis has errors.
/// </summary>
internal sealed partial class HypothesisBinder(
    HypothesisSyntax hypothesis,
    string filePath,
    Scope fileScope,
    SettingsTable fileSettings,
    IModelResolver models,
    Dictionary<string, ModelResolution> modelCache,
    ITaskCatalog tasks,
    IFileProvider? files,
    DiagnosticBag diagnostics)
{
    private readonly Scope _scope = new(fileScope);
    private readonly SettingsTable _settings = new(diagnostics);
    private readonly Dictionary<string, ImmutableArray<Component>> _sets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CausalVariable> _variables = new(StringComparer.Ordinal);
    private ModelShape? _shape;
    private BoundData? _data;

    public BoundHypothesis? Bind()
    {
        int errorsBefore = diagnostics.ErrorCount;
        foreach (var member in hypothesis.Members)
        {
            switch (member)
            {
                case LetSyntax or GroupSyntax or NodeSyntax:
                    Binder.Declare(_scope, member, diagnostics);
                    break;
                case SettingSyntax setting:
                    _settings.Add(setting);
                    break;
            }
        }

        var modelSetting = Setting<ModelSettingSyntax>();
        BindModel(modelSetting);
        var dataSetting = Setting<DataSettingSyntax>();
        if (dataSetting is null)
        {
            diagnostics.Add(DiagnosticCatalog.MissingData.Create(hypothesis.Name.Span, hypothesis.Name.Text));
        }
        else
        {
            _data = DataBinder.Bind(dataSetting, tasks, filePath, _shape, files, diagnostics);
        }

        var metric = BindMetric(Setting<MetricSettingSyntax>());
        BindVariables();
        ResolveNamedSets();
        var method = BindMethod();
        var nodes = hypothesis.Members.OfType<NodeSyntax>().ToList();
        var graph = nodes.Count == 0 ? null : BindGraph(nodes);
        var unimportant = BindUnimportant(graph);
        var expectations = BindCircuitExpectations(BindExpectations(nodes.Count > 0, metric), graph, method, metric);
        WarnAboutUnstatedMethod(method, expectations);
        WarnAboutSharedKeyValueInputs(graph, expectations);
        RefuseScrubbedHeadsUnderSandwichNorms(graph, method, expectations);

        if (diagnostics.ErrorCount > errorsBefore || _shape is null || _data is null || metric is null || modelSetting is null)
        {
            return null;
        }

        var groups = _scope.Visible.Where(s => s.Kind == SymbolKind.Group)
            .Select(s => new ComponentGroup(s.Name, _sets[s.Name], s.Declaration.Span));
        return new BoundHypothesis(
            hypothesis.Name.Text,
            hypothesis.Description?.Value,
            hypothesis.Span,
            modelSetting.Reference.Text,
            _shape,
            _data,
            metric,
            method,
            [.. _variables.Values],
            [.. groups],
            graph,
            unimportant,
            expectations);
    }

    /// <summary>The hypothesis's own setting of a kind, else the file's.</summary>
    private T? Setting<T>()
        where T : SettingSyntax => _settings.Get<T>() ?? fileSettings.Get<T>();

    private void BindModel(ModelSettingSyntax? setting)
    {
        if (setting is null)
        {
            diagnostics.Add(DiagnosticCatalog.MissingModel.Create(hypothesis.Name.Span, hypothesis.Name.Text));
            return;
        }

        string reference = setting.Reference.Text;
        if (!modelCache.TryGetValue(reference, out var resolution))
        {
            string directory = Path.GetDirectoryName(filePath) is { Length: > 0 } folder ? folder : ".";
            try
            {
                resolution = models.Resolve(reference, directory);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                resolution = ModelResolution.NotFound(exception.Message); // a resolver's failure is the file's diagnostic, not a crash
            }

            modelCache[reference] = resolution;
        }

        if (resolution.Shape is null)
        {
            diagnostics.Add(DiagnosticCatalog.ModelNotResolved.Create(setting.Reference.Span, reference, resolution.Error ?? "unknown reason"));
        }

        _shape = resolution.Shape;
    }

    private BoundMetric? BindMetric(MetricSettingSyntax? setting)
    {
        if (setting is null)
        {
            diagnostics.Add(DiagnosticCatalog.MissingMetric.Create(hypothesis.Name.Span, hypothesis.Name.Text));
            return null;
        }

        var kinds = new Dictionary<string, (MetricKind Kind, int Answers)>(StringComparer.Ordinal)
        {
            ["loss"] = (MetricKind.Loss, 0),
            ["logit_diff"] = (MetricKind.LogitDiff, 2),
            ["kl"] = (MetricKind.KL, 0),
            ["accuracy"] = (MetricKind.Accuracy, 0),
        };
        string name = setting.Kind.Text;
        if (!kinds.TryGetValue(name, out var kind))
        {
            diagnostics.Add(DiagnosticCatalog.InvalidMetric.Create(setting.Kind.Span, $"Unknown metric '{name}'{Spelling.Suggest(name, kinds.Keys)}; known metrics: loss, logit_diff(A, B), kl, accuracy."));
            return null;
        }

        if (setting.Arguments.Length != kind.Answers || (kind.Answers == 0 && setting.HasArgumentList))
        {
            string message = kind.Answers == 0
                ? $"Metric '{name}' takes no answers; write 'metric {name}'."
                : $"Metric '{name}' compares {kind.Answers} answers, as in logit_diff(IO, S); found {setting.Arguments.Length}.";
            diagnostics.Add(DiagnosticCatalog.InvalidMetric.Create(setting.Span, message));
            return null;
        }

        foreach (var answer in setting.Arguments)
        {
            if (_data is not null && !_data.Answers.Contains(answer.Text))
            {
                diagnostics.Add(DiagnosticCatalog.UnknownAnswer.Create(answer.Span, answer.Text, _data.Task.Name, ListOrNone(_data.Answers)));
            }
        }

        // The engine's logit difference is answer - wrong answer: the data's first answer minus its second.
        var answers = _data?.Answers ?? [];
        var written = setting.Arguments.Select(a => a.Text).ToList();
        if (kind.Kind == MetricKind.LogitDiff && answers.Length >= 2 && written.All(answers.Contains) && !written.SequenceEqual(answers.Take(2)))
        {
            diagnostics.Add(DiagnosticCatalog.ReversedLogitDiff.Create(setting.Span, answers[0], answers[1]));
        }

        return new BoundMetric(kind.Kind, [.. written], BindPositions(setting.At), setting.Span);
    }

    private MethodChoices BindMethod()
    {
        var ablation = Setting<AblationSettingSyntax>();
        if (ablation?.Per is { } per && _data is not null && !_data.Task.ExampleGroups.Contains(per.Text))
        {
            diagnostics.Add(DiagnosticCatalog.UnknownExampleGroup.Create(per.Span, _data.Task.Name, per.Text, ListOrNone(_data.Task.ExampleGroups)));
        }

        var direction = Setting<DirectionSettingSyntax>();
        var baseline = Setting<BaselineSettingSyntax>();
        var unmapped = Setting<UnmappedSettingSyntax>();
        var granularity = Setting<GranularitySettingSyntax>();
        var baselineComponents = baseline is null ? [] : ResolveComponents(baseline.Components, _scope);
        return new MethodChoices(
            ablation is null
                ? new(new AblationChoice(AblationKind.Resample, null), false, SourceSpan.None)
                : new(new AblationChoice(ablation.Kind, ablation.Per?.Text), true, ablation.Span),
            direction is null ? new(KnockoutDirection.Circuit, false, SourceSpan.None) : new(direction.Direction, true, direction.Span),
            baseline is null
                ? new(new BaselineChoice(BaselineKind.ResampledInput, []), false, SourceSpan.None)
                : new(new BaselineChoice(baseline.Kind, baselineComponents), true, baseline.Span),
            unmapped is null ? new(UnmappedInputs.Resample, false, SourceSpan.None) : new(unmapped.Inputs, true, unmapped.Span),
            granularity is null ? new(Granularity.Component, false, SourceSpan.None) : new(granularity.Granularity, true, granularity.Span));
    }

    private ImmutableArray<Component> BindUnimportant(InterpretationGraph? graph)
    {
        // Named nodes are checked even when the graph has errors; inline nodes exist only in a built graph.
        var mapped = _scope.Declared.Where(s => s.Kind == SymbolKind.Node)
            .Select(s => (Name: (string?)s.Name, Components: _sets.GetValueOrDefault(s.Name, [])))
            .Concat(graph?.Nodes.Where(n => n.IsInline).Select(n => (Name: (string?)n.Name, n.Components)) ?? [])
            .ToList();
        var result = new List<Component>();
        foreach (var statement in hypothesis.Members.OfType<UnimportantSyntax>())
        {
            foreach (var syntax in statement.Components)
            {
                foreach (var component in ResolveComponent(syntax, _scope))
                {
                    string? mappedBy = mapped.FirstOrDefault(node => node.Components.Any(m => Overlaps(m, component))).Name;
                    if (mappedBy is not null)
                    {
                        diagnostics.Add(DiagnosticCatalog.UnimportantButMapped.Create(syntax.Span, component, mappedBy));
                    }

                    result.Add(component);
                }
            }
        }

        return [.. result.Distinct()];

        static bool Overlaps(Component a, Component b) =>
            a.AsOutput == b.AsOutput && (a.Channel == b.Channel || a.Channel == Channel.Output || b.Channel == Channel.Output);
    }

    private ImmutableArray<BoundExpectation> BindExpectations(bool hasNodes, BoundMetric? metric)
    {
        var result = ImmutableArray.CreateBuilder<BoundExpectation>();
        var statements = hypothesis.Members.OfType<ExpectSyntax>().ToList();
        var ids = ExpectationId.Assign(statements.Select(Formatting.SyntaxPrinter.Header));
        foreach (var (expect, id) in statements.Zip(ids))
        {
            string subject = SyntaxFacts.Spell(SyntaxFacts.SubjectWords, expect.Subject);
            if (expect.Subject is ExpectationSubject.Scrub or ExpectationSubject.Knockout && !hasNodes)
            {
                diagnostics.Add(DiagnosticCatalog.ExpectationNeedsGraph.Create(expect.Span, subject, hypothesis.Name.Text));
            }

            // A knockout's fraction is F(circuit) / F(model): a share of the behaviour only for a metric that is larger
            // when there is more of it. For a loss or a divergence the ratio grows as the circuit fails.
            if (expect.Subject == ExpectationSubject.Knockout && expect.Statistic == Statistic.Recovers && metric?.Kind is MetricKind.Loss or MetricKind.KL)
            {
                diagnostics.Add(DiagnosticCatalog.FractionOfLowerIsBetterMetric.Create(expect.Span, metric.Kind == MetricKind.Loss ? "loss" : "kl"));
            }

            var path = expect.Path is null ? null : BindPath(expect.Path, Formatting.SyntaxPrinter.Header(expect));
            double threshold = expect.IsPercent ? expect.Threshold.Value / 100 : expect.Threshold.Value;
            result.Add(new BoundExpectation(id, expect.Subject, path, SyntaxFacts.Reported(expect.Subject, expect.Statistic), expect.Operator, threshold, Formatting.SyntaxPrinter.Header(expect), expect.Span));
        }

        return result.ToImmutable();
    }

    private CircuitPath BindPath(PathSyntax path, string statement)
    {
        var hops = path.Hops.Select(hop => new PathHop(ResolveComponents(hop.Components, _scope), BindPositions(hop.At))).ToList();
        CheckPatchable(path, hops, statement);
        foreach (var sender in path.Hops[0].Components.Where(c => c.Channel != Channel.Output))
        {
            diagnostics.Add(DiagnosticCatalog.SenderWithChannel.Create(sender.Span, Formatting.SyntaxPrinter.Component(sender), "a path's first step", SyntaxFacts.ChannelSuffix(sender.Channel)));
        }

        for (int i = 0; i + 1 < hops.Count; i++)
        {
            var steps = hops[i].Components.SelectMany(from => hops[i + 1].Components.Select(to => (From: from.AsOutput, To: to)));
            foreach (var (from, to) in steps.Where(step => StepProblem(step.From, step.To) is not null || SkipsParallelBlock(step.From, step.To)).Take(1))
            {
                var span = path.Hops[i + 1].Span;
                diagnostics.Add(
                    StepProblem(from, to) is null ? DiagnosticCatalog.ParallelBlock.Create(span, from, to, _shape!.Name, to.Layer)
                    : from.Kind == ComponentKind.Head && to.Kind == ComponentKind.Head && from.Layer == to.Layer
                    ? DiagnosticCatalog.PathWithinLayer.Create(span, from, to, from.Layer)
                    : DiagnosticCatalog.PathRunsBackwards.Create(span, from, to));
            }
        }

        return new CircuitPath([.. hops]);
    }

    /// <summary>
    /// Path patching (Wang et al.) sends from the first step into the second: heads' q/k/v inputs (a whole head is its
    /// q, k and v) or the logits, never both; everything after the receivers is recomputed, so only a trailing
    /// <c>-&gt; logits</c> may follow. Longer chains would need treeified path patching.
    /// </summary>
    private void CheckPatchable(PathSyntax path, List<PathHop> hops, string statement)
    {
        if (hops.Count > 3 || (hops.Count == 3 && hops[2].Components.Any(c => c.Kind != ComponentKind.Logits)))
        {
            diagnostics.Add(DiagnosticCatalog.PathTooLong.Create(path.Hops[2].Span, statement, hops.Count - 1));
            return;
        }

        if (hops.Count < 2)
        {
            return; // the parser requires an arrow
        }

        var receivers = hops[1].Components;
        var span = path.Hops[1].Span;
        var neither = receivers.Where(c => c.Kind is not (ComponentKind.Head or ComponentKind.Logits)).ToList();
        if (neither.Count > 0)
        {
            diagnostics.Add(DiagnosticCatalog.InvalidReceiver.Create(span, $"A path receiver is a head's input (L1.H0.k, or a whole head for its q, k and v) or the logits; {neither[0]} is neither."));
        }
        else if (receivers.Any(c => c.Kind == ComponentKind.Logits) && receivers.Any(c => c.Kind != ComponentKind.Logits))
        {
            diagnostics.Add(DiagnosticCatalog.InvalidReceiver.Create(span, $"The logits are a receiver step on their own (the receivers are either heads' inputs or the final residual stream); this step mixes them with {receivers.First(c => c.Kind != ComponentKind.Logits)}."));
        }
    }

    /// <summary>
    /// Whether <paramref name="from"/> is a head and <paramref name="to"/> the MLP of its own layer in a model with
    /// parallel blocks, where that MLP reads the block's input beside the heads (GPT-NeoX).
    /// </summary>
    private bool SkipsParallelBlock(Component from, Component to) =>
        _shape is { ParallelBlocks: true } && from.Kind == ComponentKind.Head && to.Kind == ComponentKind.Mlp && from.Layer == to.Layer;

    /// <summary>Why output <paramref name="from"/> cannot reach input <paramref name="to"/> directly, or null when it can.</summary>
    private static string? StepProblem(Component from, Component to)
    {
        if (from.ResidualOrder < to.ResidualOrder)
        {
            return null;
        }

        if (from.AsOutput == to.AsOutput)
        {
            return $"{from} cannot read its own output";
        }

        return from.Kind == ComponentKind.Head && to.Kind == ComponentKind.Head && from.Layer == to.Layer
            ? $"heads of layer {from.Layer} cannot read each other's output"
            : $"{from.AsOutput} is computed after {to.AsOutput}";
    }

    /// <summary>On a sandwich-norm model causal scrubbing maps no head: neither in the graph nor in the baseline.</summary>
    private void RefuseScrubbedHeadsUnderSandwichNorms(InterpretationGraph? graph, MethodChoices method, ImmutableArray<BoundExpectation> expectations)
    {
        if (_shape is not { SandwichNorms: true } || !expectations.Any(e => e.Subject == ExpectationSubject.Scrub))
        {
            return;
        }

        var node = graph?.Nodes.FirstOrDefault(n => n.Components.Any(c => c.Kind == ComponentKind.Head));
        if (node is not null)
        {
            diagnostics.Add(DiagnosticCatalog.ScrubbedHeadUnderSandwichNorms.Create(node.Span, node.Components.First(c => c.Kind == ComponentKind.Head), $"node '{node.Name}'", _shape.Name));
        }

        if (method.Baseline.Value.Components.FirstOrDefault(c => c.Kind == ComponentKind.Head) is { Kind: ComponentKind.Head } head)
        {
            diagnostics.Add(DiagnosticCatalog.ScrubbedHeadUnderSandwichNorms.Create(method.Baseline.Span, head, "the baseline", _shape.Name));
        }
    }

    private void WarnAboutUnstatedMethod(MethodChoices method, ImmutableArray<BoundExpectation> expectations)
    {
        var subjects = expectations.Select(e => e.Subject).ToHashSet();
        if (subjects.Contains(ExpectationSubject.Scrub) && !method.Baseline.IsStated)
        {
            diagnostics.Add(DiagnosticCatalog.MethodNotStated.Create(hypothesis.Name.Span, hypothesis.Name.Text, "baseline", "resampled_input"));
        }

        if (subjects.Contains(ExpectationSubject.Knockout))
        {
            if (!method.Ablation.IsStated)
            {
                diagnostics.Add(DiagnosticCatalog.MethodNotStated.Create(hypothesis.Name.Span, hypothesis.Name.Text, "ablation", "resample"));
            }

            if (!method.Direction.IsStated)
            {
                diagnostics.Add(DiagnosticCatalog.MethodNotStated.Create(hypothesis.Name.Span, hypothesis.Name.Text, "direction", "circuit"));
            }
        }
    }

    private PositionSet BindPositions(AtClauseSyntax? at)
    {
        if (at is null)
        {
            return PositionSet.All;
        }

        var positions = ImmutableArray.CreateBuilder<PositionSelector>();
        foreach (var position in at.Positions)
        {
            switch (position)
            {
                case AllPositionsSyntax:
                    positions.Add(new AllPositions());
                    break;
                case IndexPositionSyntax index:
                    if (_shape is not null && (index.Index >= _shape.ContextLength || index.Index < -_shape.ContextLength))
                    {
                        diagnostics.Add(DiagnosticCatalog.PositionOutOfRange.Create(index.Span, index.Text, _shape.Name, _shape.ContextLength));
                    }
                    else
                    {
                        positions.Add(new IndexPosition((int)Math.Clamp(index.Index, int.MinValue, int.MaxValue)));
                    }

                    break;
                case NamedPositionSyntax named:
                    if (_data is not null && !_data.NamedPositions.Contains(named.Name.Text))
                    {
                        string hint = _data.Task.PositionsParameter is { } parameter ? $" (declare it with '{parameter}: [...]' in the data statement)" : string.Empty;
                        diagnostics.Add(DiagnosticCatalog.UnknownPosition.Create(
                            named.Name.Span, named.Name.Text, _data.Task.Name, hint + Spelling.Suggest(named.Name.Text, _data.NamedPositions), ListOrNone(_data.NamedPositions)));
                    }

                    // An offset as long as the context moves every position out of every prompt.
                    if (_shape is not null && Math.Abs((long)named.Offset) >= _shape.ContextLength)
                    {
                        diagnostics.Add(DiagnosticCatalog.PositionOutOfRange.Create(named.Span, Formatting.SyntaxPrinter.Position(named), _shape.Name, _shape.ContextLength));
                    }

                    positions.Add(new NamedPosition(named.Name.Text, named.Offset));
                    break;
            }
        }

        return new PositionSet(positions.ToImmutable());
    }

    private static string ListOrNone(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "none" : string.Join(", ", list);
    }
}
