using System.Globalization;

namespace CircuitDsl;

/// <summary>The kinds of model component a claim can name.</summary>
public enum ComponentKind
{
    /// <summary>The token embedding (<c>embed</c>).</summary>
    TokenEmbedding,

    /// <summary>The positional embedding (<c>pos_embed</c>).</summary>
    PositionalEmbedding,

    /// <summary>One attention head (<c>L1.H6</c>).</summary>
    Head,

    /// <summary>One layer's MLP (<c>L0.mlp</c>).</summary>
    Mlp,

    /// <summary>The output: the final residual stream as read by the unembedding (<c>logits</c>).</summary>
    Logits,
}

/// <summary>Which part of a component a reference names: its output, or one of an attention head's inputs.</summary>
public enum Channel
{
    /// <summary>The component's output (what it writes into the residual stream).</summary>
    Output,

    /// <summary>An attention head's query input (<c>.q</c>).</summary>
    Query,

    /// <summary>An attention head's key input (<c>.k</c>).</summary>
    Key,

    /// <summary>An attention head's value input (<c>.v</c>).</summary>
    Value,
}

/// <summary>
/// A model component, one value from the binder to the report: <c>embed</c>, <c>pos_embed</c>, <c>L1.H6</c>,
/// <c>L1.H6.k</c>, <c>L0.mlp</c>, <c>logits</c>. Only heads have a layer and a head index together; MLPs have a layer;
/// embeddings and the logits have neither (-1), because their place in the residual stream does not depend on the
/// model's depth (<see cref="ResidualOrder"/> puts the logits last whatever it is). <see cref="Channel"/> is a head's
/// q/k/v input, or <see cref="Channel.Output"/>.
/// </summary>
public readonly record struct Component(ComponentKind Kind, int Layer, int HeadIndex, Channel Channel)
{
    /// <summary>The token embedding.</summary>
    public static Component Embed { get; } = new(ComponentKind.TokenEmbedding, -1, -1, Channel.Output);

    /// <summary>The positional embedding.</summary>
    public static Component PosEmbed { get; } = new(ComponentKind.PositionalEmbedding, -1, -1, Channel.Output);

    /// <summary>The output: the final residual stream as the unembedding reads it.</summary>
    public static Component Logits { get; } = new(ComponentKind.Logits, -1, -1, Channel.Output);

    /// <summary>A head: its output, or the q/k/v input <paramref name="channel"/> names.</summary>
    public static Component Head(int layer, int head, Channel channel = Channel.Output) => new(ComponentKind.Head, layer, head, channel);

    /// <summary>A layer's MLP.</summary>
    public static Component Mlp(int layer) => new(ComponentKind.Mlp, layer, -1, Channel.Output);

    /// <summary>True for the embeddings, which read nothing.</summary>
    public bool IsEmbedding => Kind is ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding;

    /// <summary>The same component's output (drops a q/k/v channel).</summary>
    public Component AsOutput => this with { Channel = Channel.Output };

    /// <summary>
    /// Where the component writes into (or, for a q/k/v input or the logits, reads from) the residual stream, in
    /// computation order: embeddings 0, heads of layer l at 2l+1, the MLP of layer l at 2l+2, the logits last. A
    /// writer affects a reader directly only when its order is strictly smaller; a path strictly increases it. Long,
    /// so that no layer count wraps it round.
    /// </summary>
    public long ResidualOrder => Kind switch
    {
        ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding => 0,
        ComponentKind.Head => (2L * Layer) + 1,
        ComponentKind.Mlp => (2L * Layer) + 2,
        _ => long.MaxValue,
    };

    /// <summary>The component as the language writes it: <c>L1.H6.k</c>, <c>L0.mlp</c>, <c>embed</c>.</summary>
    public override string ToString()
    {
        string suffix = Channel switch { Channel.Query => ".q", Channel.Key => ".k", Channel.Value => ".v", _ => string.Empty };
        return Kind switch
        {
            ComponentKind.TokenEmbedding => "embed" + suffix,
            ComponentKind.PositionalEmbedding => "pos_embed" + suffix,
            ComponentKind.Head => string.Create(CultureInfo.InvariantCulture, $"L{Layer}.H{HeadIndex}{suffix}"),
            ComponentKind.Mlp => string.Create(CultureInfo.InvariantCulture, $"L{Layer}.mlp{suffix}"),
            _ => "logits" + suffix,
        };
    }
}
