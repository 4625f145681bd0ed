using System.Collections.Immutable;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Binding;

/// <summary>Variables, groups and component references.</summary>
internal sealed partial class HypothesisBinder
{
    private readonly HashSet<string> _poisoned = new(StringComparer.Ordinal);

    /// <summary>Binds every visible <c>let</c>, finding which variables each mentions and rejecting cycles.</summary>
    private void BindVariables()
    {
        var symbols = _scope.Visible.Where(s => s.Kind == SymbolKind.Variable).ToList();
        var dependencies = symbols.ToDictionary(
            s => s.Name,
            s => MentionedNames(((LetSyntax)s.Declaration).Expression.Text)
                .Where(name => s.Owner.Lookup(name)?.Kind == SymbolKind.Variable)
                .Distinct(StringComparer.Ordinal)
                .ToImmutableArray(),
            StringComparer.Ordinal);
        var (cycles, _) = new DependencyGraph([.. symbols.Select(s => s.Name)], name => dependencies[name]).Analyze();
        foreach (var cycle in cycles)
        {
            var first = symbols.First(s => s.Name == cycle[0]);
            diagnostics.Add(DiagnosticCatalog.Cycle.Create(first.NameSpan, "Variables", string.Join(" -> ", cycle)));
        }

        foreach (var symbol in symbols)
        {
            var expression = ((LetSyntax)symbol.Declaration).Expression;
            _variables[symbol.Name] = new CausalVariable(symbol.Name, expression.Text, expression.Span, dependencies[symbol.Name]);
        }
    }

    /// <summary>The variable an expression names (a single identifier) or an inline variable for any other expression.</summary>
    private CausalVariable? BindVariableReference(ExpressionSyntax? expression)
    {
        if (expression is null)
        {
            return null;
        }

        if (!expression.IsSimpleName)
        {
            var mentioned = MentionedNames(expression.Text)
                .Where(name => _scope.Lookup(name)?.Kind == SymbolKind.Variable)
                .Distinct(StringComparer.Ordinal);
            return new CausalVariable(null, expression.Text, expression.Span, [.. mentioned]);
        }

        var symbol = _scope.Lookup(expression.Text);
        switch (symbol?.Kind)
        {
            case SymbolKind.Variable:
                return _variables[expression.Text];
            case null:
                var variables = _scope.Visible.Where(s => s.Kind == SymbolKind.Variable).Select(s => s.Name);
                diagnostics.Add(DiagnosticCatalog.UndefinedName.Create(expression.Span, expression.Text, Spelling.Suggest(expression.Text, variables)));
                return null;
            default:
                diagnostics.Add(DiagnosticCatalog.NotAVariable.Create(expression.Span, expression.Text, symbol.KindName));
                return null;
        }
    }

    /// <summary>
    /// Resolves every group and node to its components, dependencies first. A group or node may name other
    /// groups and nodes; a cycle among them is reported once and its members resolve to nothing.
    /// </summary>
    private void ResolveNamedSets()
    {
        var symbols = _scope.Visible.Where(s => s.Kind is SymbolKind.Group or SymbolKind.Node).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var ordered = _scope.Visible.Where(s => s.Kind is SymbolKind.Group or SymbolKind.Node).Select(s => s.Name).ToList();
        IEnumerable<string> DependenciesOf(string name) =>
            ComponentsOf(symbols[name]).OfType<NamedComponentSyntax>()
                .Select(c => c.Name.Text)
                .Where(n => symbols[name].Owner.Lookup(n)?.Kind is SymbolKind.Group or SymbolKind.Node);
        var (cycles, order) = new DependencyGraph(ordered, DependenciesOf).Analyze();
        foreach (var cycle in cycles)
        {
            diagnostics.Add(DiagnosticCatalog.Cycle.Create(symbols[cycle[0]].NameSpan, "Groups and nodes", string.Join(" -> ", cycle)));
            _poisoned.UnionWith(cycle);
        }

        foreach (var name in order)
        {
            _sets[name] = ResolveComponents(ComponentsOf(symbols[name]), symbols[name].Owner);
        }

        foreach (var name in _poisoned)
        {
            _sets[name] = [];
        }
    }

    private static ImmutableArray<ComponentSyntax> ComponentsOf(Symbol symbol) => symbol.Declaration switch
    {
        GroupSyntax group => group.Components,
        NodeSyntax node => node.Components,
        _ => [],
    };

    private ImmutableArray<Component> ResolveComponents(IEnumerable<ComponentSyntax> components, Scope scope) =>
        [.. components.SelectMany(c => ResolveComponent(c, scope)).Distinct()];

    /// <summary>Resolves one component reference against the model's shape; reports and returns nothing when invalid.</summary>
    private IEnumerable<Component> ResolveComponent(ComponentSyntax syntax, Scope scope)
    {
        switch (syntax)
        {
            case LayerComponentSyntax layer:
                return ResolveLayerComponent(layer);
            case BuiltinComponentSyntax builtin:
                string word = SyntaxFacts.Spell(SyntaxFacts.BuiltinWords, builtin.Component);
                if (builtin.Channel != Channel.Output)
                {
                    diagnostics.Add(DiagnosticCatalog.ChannelOnNonHead.Create(builtin.Span, SyntaxFacts.ChannelSuffix(builtin.Channel), $"'{word}'"));
                    return [];
                }

                if (builtin.Component == BuiltinComponent.PositionalEmbedding && _shape is { LearnedPositions: false })
                {
                    diagnostics.Add(DiagnosticCatalog.NoPositionEmbedding.Create(builtin.Span, _shape.Name));
                    return [];
                }

                return builtin.Component switch
                {
                    BuiltinComponent.TokenEmbedding => [Component.Embed],
                    BuiltinComponent.PositionalEmbedding => [Component.PosEmbed],
                    _ => _shape is null ? [] : [Component.Logits],
                };
            case NamedComponentSyntax named:
                return ResolveNamedComponent(named, scope);
            default:
                return [];
        }
    }

    private IEnumerable<Component> ResolveLayerComponent(LayerComponentSyntax layer)
    {
        if (_shape is null)
        {
            return []; // the missing model is reported already
        }

        string[] parts = layer.Layer >= _shape.Layers || layer.Part == LayerPart.Mlp || layer.Head >= _shape.HeadsPerLayer ? layer.Text.Split('.') : [];
        if (layer.Layer >= _shape.Layers)
        {
            diagnostics.Add(DiagnosticCatalog.LayerOutOfRange.Create(layer.Span, parts[0], _shape.Name, _shape.Layers, _shape.Layers - 1));
            return [];
        }

        switch (layer.Part)
        {
            case LayerPart.Mlp when !_shape.HasMlps:
                diagnostics.Add(DiagnosticCatalog.NoMlp.Create(layer.Span, $"{parts[0]}.mlp", _shape.Name));
                return [];
            case LayerPart.Mlp when layer.Channel != Channel.Output:
                diagnostics.Add(DiagnosticCatalog.ChannelOnNonHead.Create(layer.Span, SyntaxFacts.ChannelSuffix(layer.Channel), $"'{parts[0]}.mlp'"));
                return [];
            case LayerPart.Mlp:
                return [Component.Mlp(layer.Layer)];
            case LayerPart.Head when layer.Head >= _shape.HeadsPerLayer:
                diagnostics.Add(DiagnosticCatalog.HeadOutOfRange.Create(layer.Span, parts[1], _shape.Name, _shape.HeadsPerLayer, _shape.HeadsPerLayer - 1));
                return [];
            case LayerPart.Head:
                return [Component.Head(layer.Layer, layer.Head, layer.Channel)];
            default:
                return Enumerable.Range(0, _shape.HeadsPerLayer).Select(h => Component.Head(layer.Layer, h, layer.Channel));
        }
    }

    private IEnumerable<Component> ResolveNamedComponent(NamedComponentSyntax named, Scope scope)
    {
        string name = named.Name.Text;
        var symbol = scope.Lookup(name);
        if (symbol is null)
        {
            var candidates = scope.Visible.Where(s => s.Kind != SymbolKind.Variable).Select(s => s.Name);
            diagnostics.Add(DiagnosticCatalog.UndefinedName.Create(named.Name.Span, name, Spelling.Suggest(name, candidates)));
            return [];
        }

        if (symbol.Kind == SymbolKind.Variable)
        {
            diagnostics.Add(DiagnosticCatalog.NotAComponent.Create(named.Name.Span, name, symbol.KindName));
            return [];
        }

        if (!_sets.TryGetValue(name, out var members))
        {
            return []; // on a cycle, reported already
        }

        if (named.Channel == Channel.Output)
        {
            return members;
        }

        var notHead = members.Where(m => m.Kind != ComponentKind.Head || m.Channel != Channel.Output).ToList();
        if (notHead.Count > 0)
        {
            diagnostics.Add(DiagnosticCatalog.ChannelOnNonHead.Create(named.Span, SyntaxFacts.ChannelSuffix(named.Channel), $"{notHead[0]} (in '{name}')"));
            return [];
        }

        return members.Select(m => m with { Channel = named.Channel });
    }

    /// <summary>
    /// Identifiers an expression mentions outside string and character literals, excluding member names after
    /// a dot: the candidates for references to other variables.
    /// </summary>
    internal static IEnumerable<string> MentionedNames(string expression) =>
        ExpressionNames.Find(expression).Select(n => expression.Substring(n.Start, n.Length));
}
