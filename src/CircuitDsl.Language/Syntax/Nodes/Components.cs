namespace CircuitDsl.Language.Syntax;

/// <summary>A reference to model components: a built-in, a layer component or a named node/group.</summary>
public abstract record ComponentSyntax : SyntaxNode
{
    /// <summary>The q/k/v input named with a suffix such as <c>.k</c>, or <see cref="Channel.Output"/>.</summary>
    public abstract Channel Channel { get; }
}

/// <summary>The built-in components that have no layer.</summary>
public enum BuiltinComponent
{
    /// <summary><c>embed</c>: the token embedding.</summary>
    TokenEmbedding,

    /// <summary><c>pos_embed</c>: the positional embedding.</summary>
    PositionalEmbedding,

    /// <summary><c>logits</c>: the output (the final residual stream read by the unembedding).</summary>
    Logits,
}

/// <summary><c>embed</c>, <c>pos_embed</c> or <c>logits</c>, optionally with a (wrong) channel suffix kept for the binder.</summary>
public sealed record BuiltinComponentSyntax(BuiltinComponent Component, Channel ChannelSuffix) : ComponentSyntax
{
    /// <inheritdoc />
    public override Channel Channel => ChannelSuffix;
}

/// <summary>What follows the layer in a layer component.</summary>
public enum LayerPart
{
    /// <summary><c>L1.H6</c>: one head.</summary>
    Head,

    /// <summary><c>L1.H*</c>: every head of the layer.</summary>
    AllHeads,

    /// <summary><c>L1.mlp</c>: the layer's MLP.</summary>
    Mlp,
}

/// <summary>
/// <c>L1.H6</c>, <c>L1.H6.k</c>, <c>L1.H*</c>, <c>L0.mlp</c>. Indices are kept saturated at
/// <see cref="int.MaxValue"/> so that absurd numbers reach the binder's range check; <see cref="Text"/> is as written.
/// </summary>
public sealed record LayerComponentSyntax(string Text, int Layer, LayerPart Part, int Head, Channel ChannelSuffix) : ComponentSyntax
{
    /// <inheritdoc />
    public override Channel Channel => ChannelSuffix;
}

/// <summary>A node or group name, optionally with a channel: <c>induction_heads.k</c>.</summary>
public sealed record NamedComponentSyntax(NameSyntax Name, Channel ChannelSuffix) : ComponentSyntax
{
    /// <inheritdoc />
    public override Channel Channel => ChannelSuffix;
}
