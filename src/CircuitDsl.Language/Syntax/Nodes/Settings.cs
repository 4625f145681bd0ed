using System.Collections.Immutable;

namespace CircuitDsl.Language.Syntax;

/// <summary>A setting: given at file level it is the default of every hypothesis in the file.</summary>
public abstract record SettingSyntax : StatementSyntax
{
    /// <summary>The keyword that introduces the setting (used in messages).</summary>
    public abstract string Keyword { get; }
}

/// <summary><c>zoo:attn-only-2l</c> or <c>"path/to/model"</c>.</summary>
public sealed record ModelReferenceSyntax(string Text, bool IsQuoted) : SyntaxNode;

/// <summary><c>model REF</c>.</summary>
public sealed record ModelSettingSyntax(ModelReferenceSyntax Reference) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "model";
}

/// <summary>An argument value: a number, string, name, boolean or a flat list of those.</summary>
public abstract record ValueSyntax : SyntaxNode;

/// <summary>A number argument.</summary>
public sealed record NumberValueSyntax(NumberLiteralSyntax Number) : ValueSyntax;

/// <summary>A string argument.</summary>
public sealed record StringValueSyntax(StringLiteralSyntax String) : ValueSyntax;

/// <summary>A bare name argument, e.g. <c>abc</c> in <c>counterfactual: abc</c>.</summary>
public sealed record NameValueSyntax(NameSyntax Name) : ValueSyntax;

/// <summary><c>true</c> or <c>false</c>.</summary>
public sealed record BooleanValueSyntax(bool Value) : ValueSyntax;

/// <summary><c>[a, b]</c>: a flat list (lists do not nest).</summary>
public sealed record ListValueSyntax(ImmutableArray<ValueSyntax> Items) : ValueSyntax;

/// <summary><c>name: value</c> or a positional <c>value</c>.</summary>
public sealed record ArgumentSyntax(NameSyntax? Name, ValueSyntax Value) : SyntaxNode;

/// <summary><c>data TASK(arguments)</c>: the examples, their counterfactuals, count and seed.</summary>
public sealed record DataSettingSyntax(NameSyntax Task, ImmutableArray<ArgumentSyntax> Arguments) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "data";
}

/// <summary><c>metric KIND[(A, B)] [at P]</c>: the behaviour, e.g. <c>metric logit_diff(IO, S) at END</c>.</summary>
public sealed record MetricSettingSyntax(NameSyntax Kind, ImmutableArray<NameSyntax> Arguments, bool HasArgumentList, AtClauseSyntax? At) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "metric";
}

/// <summary><c>ablation zero|mean|resample [per GROUP]</c>.</summary>
public sealed record AblationSettingSyntax(AblationKind Kind, NameSyntax? Per) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "ablation";
}

/// <summary><c>direction circuit|complement</c>.</summary>
public sealed record DirectionSettingSyntax(KnockoutDirection Direction) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "direction";
}

/// <summary><c>baseline shuffled_labels | resampled_input | resample COMPONENTS</c>.</summary>
public sealed record BaselineSettingSyntax(BaselineKind Kind, ImmutableArray<ComponentSyntax> Components) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "baseline";
}

/// <summary><c>unmapped resample|keep</c>.</summary>
public sealed record UnmappedSettingSyntax(UnmappedInputs Inputs) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "unmapped";
}

/// <summary><c>granularity component|position</c>.</summary>
public sealed record GranularitySettingSyntax(Granularity Granularity) : SettingSyntax
{
    /// <inheritdoc />
    public override string Keyword => "granularity";
}
