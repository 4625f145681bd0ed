using CircuitDsl.Language.Syntax;

namespace CircuitDsl.Language.Formatting;

/// <summary>
/// The canonical one-line text of each statement: single spaces between tokens, ", " in lists, no space
/// inside components (<c>L1.H6.k</c>), C# expressions and literals exactly as written.
/// </summary>
public static class SyntaxPrinter
{
    /// <summary>The text of a statement's first line (for a node, its header; for a hypothesis, up to '{').</summary>
    public static string Header(StatementSyntax statement) => statement switch
    {
        ImportSyntax import => $"import {import.Path.RawText}",
        LetSyntax let => $"let {let.Name.Text} = {let.Expression.Text}",
        GroupSyntax group => $"group {group.Name.Text} = {Components(group.Components)}",
        ModelSettingSyntax model => $"model {ModelReference(model.Reference)}",
        DataSettingSyntax data => $"data {data.Task.Text}({string.Join(", ", data.Arguments.Select(Argument))})",
        MetricSettingSyntax metric => "metric " + metric.Kind.Text
            + (metric.HasArgumentList ? $"({string.Join(", ", metric.Arguments.Select(a => a.Text))})" : string.Empty)
            + At(metric.At),
        AblationSettingSyntax ablation => $"ablation {SyntaxFacts.Spell(SyntaxFacts.AblationWords, ablation.Kind)}"
            + (ablation.Per is null ? string.Empty : $" per {ablation.Per.Text}"),
        DirectionSettingSyntax direction => $"direction {SyntaxFacts.Spell(SyntaxFacts.DirectionWords, direction.Direction)}",
        BaselineSettingSyntax baseline => $"baseline {SyntaxFacts.Spell(SyntaxFacts.BaselineWords, baseline.Kind)}"
            + (baseline.Components.IsEmpty ? string.Empty : " " + Components(baseline.Components)),
        UnmappedSettingSyntax unmapped => $"unmapped {SyntaxFacts.Spell(SyntaxFacts.UnmappedWords, unmapped.Inputs)}",
        GranularitySettingSyntax granularity => $"granularity {SyntaxFacts.Spell(SyntaxFacts.GranularityWords, granularity.Granularity)}",
        HypothesisSyntax hypothesis => $"hypothesis {hypothesis.Name.Text}"
            + (hypothesis.Description is null ? string.Empty : " " + hypothesis.Description.RawText) + " {",
        NodeSyntax node => $"node {node.Name.Text} = {Components(node.Components)}{At(node.At)}"
            + (node.Computes is null ? string.Empty : $" computes {node.Computes.Text}"),
        InputClauseSyntax input => (input.Channel == Channel.Output ? string.Empty : SyntaxFacts.ChannelSuffix(input.Channel) + " ")
            + $"from {Components(input.Sources)}{At(input.At)}"
            + (input.AgreeingOn is null ? string.Empty : $" agreeing on {input.AgreeingOn.Text}"),
        UnimportantSyntax unimportant => $"unimportant {Components(unimportant.Components)}",
        ExpectSyntax expect => Expect(expect),
        SkippedSyntax skipped => skipped.Text,
        _ => throw new ArgumentOutOfRangeException(nameof(statement), statement.GetType().Name, "No printer for this statement."),
    };

    /// <summary><c>L1.H0, L1.H1</c>.</summary>
    public static string Components(IEnumerable<ComponentSyntax> components) => string.Join(", ", components.Select(Component));

    /// <summary>One component as the language spells it.</summary>
    public static string Component(ComponentSyntax component) => component switch
    {
        LayerComponentSyntax layer => layer.Text,
        BuiltinComponentSyntax builtin => SyntaxFacts.Spell(SyntaxFacts.BuiltinWords, builtin.Component) + Suffix(builtin.Channel),
        NamedComponentSyntax named => named.Name.Text + Suffix(named.Channel),
        _ => throw new ArgumentOutOfRangeException(nameof(component), component.GetType().Name, "Unknown component."),
    };

    /// <summary>One position.</summary>
    public static string Position(PositionSyntax position) => position switch
    {
        AllPositionsSyntax => "all",
        IndexPositionSyntax index => index.Text,
        NamedPositionSyntax named => named.Name.Text + named.OffsetText,
        _ => throw new ArgumentOutOfRangeException(nameof(position), position.GetType().Name, "Unknown position."),
    };

    /// <summary>A path: <c>A at P -> B.k -> logits</c>.</summary>
    public static string Path(PathSyntax path) =>
        string.Join(" -> ", path.Hops.Select(hop => Components(hop.Components) + At(hop.At)));

    private static string Expect(ExpectSyntax expect)
    {
        string subject = SyntaxFacts.Spell(SyntaxFacts.SubjectWords, expect.Subject);
        string path = expect.Path is null ? string.Empty : " " + Path(expect.Path);
        string statistic = SyntaxFacts.Spell(SyntaxFacts.StatisticWords, expect.Statistic);
        string op = SyntaxFacts.Spell(SyntaxFacts.OperatorWords, expect.Operator);
        return $"expect {subject}{path} {statistic} {op} {expect.Threshold.Text}{(expect.IsPercent ? "%" : string.Empty)}";
    }

    private static string At(AtClauseSyntax? at) =>
        at is null ? string.Empty : " at " + string.Join(", ", at.Positions.Select(Position));

    private static string Suffix(Channel channel) => channel == Channel.Output ? string.Empty : "." + SyntaxFacts.ChannelSuffix(channel);

    private static string ModelReference(ModelReferenceSyntax reference) =>
        reference.IsQuoted ? Quote(reference.Text) : reference.Text;

    private static string Argument(ArgumentSyntax argument) =>
        (argument.Name is null ? string.Empty : argument.Name.Text + ": ") + Value(argument.Value);

    /// <summary>An argument value as written canonically.</summary>
    public static string ValueText(ValueSyntax value) => Value(value);

    private static string Value(ValueSyntax value) => value switch
    {
        NumberValueSyntax number => number.Number.Text,
        StringValueSyntax text => text.String.RawText,
        NameValueSyntax name => name.Name.Text,
        BooleanValueSyntax boolean => boolean.Value ? "true" : "false",
        ListValueSyntax list => "[" + string.Join(", ", list.Items.Select(Value)) + "]",
        _ => throw new ArgumentOutOfRangeException(nameof(value), value.GetType().Name, "Unknown value."),
    };

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal) + "\"";
}
