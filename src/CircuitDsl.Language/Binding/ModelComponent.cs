using System.Globalization;

namespace CircuitDsl.Language.Binding;

/// <summary>The kinds of model component a claim can name.</summary>
public enum ComponentKind
{
    /// <summary>The token embedding (<c>embed</c>).</summary>
    TokenEmbedding,

    /// <summary>The positional embedding (<c>pos_embed</c>).</summary>
    PositionalEmbedding,

    /// <summary>One attention head (<c>L1.H6</c>).</summary>
    AttentionHead,

    /// <summary>One layer's MLP (<c>L0.mlp</c>).</summary>
    Mlp,

    /// <summary>The output: the final residual stream as read by the unembedding (<c>logits</c>).</summary>
    Logits,
}

/// <summary>
/// A resolved component: kind, layer, head and channel. Embeddings have layer -1; the logits have the layer
/// count as their layer; only heads have a head index. <see cref="Channel"/> is the head's q/k/v input, or
/// <see cref="Language.Channel.Output"/>.
/// </summary>
public readonly record struct ModelComponent(ComponentKind Kind, int Layer, int Head, Channel Channel)
{
    /// <summary>The token embedding.</summary>
    public static ModelComponent TokenEmbedding { get; } = new(ComponentKind.TokenEmbedding, -1, -1, Channel.Output);

    /// <summary>The positional embedding.</summary>
    public static ModelComponent PositionalEmbedding { get; } = new(ComponentKind.PositionalEmbedding, -1, -1, Channel.Output);

    /// <summary>The output of a model with <paramref name="layers"/> layers.</summary>
    public static ModelComponent Logits(int layers) => new(ComponentKind.Logits, layers, -1, Channel.Output);

    /// <summary>A head (its output unless a channel is given).</summary>
    public static ModelComponent AttentionHead(int layer, int head, Channel channel = Channel.Output) => new(ComponentKind.AttentionHead, layer, head, channel);

    /// <summary>A layer's MLP.</summary>
    public static ModelComponent Mlp(int layer) => new(ComponentKind.Mlp, layer, -1, Channel.Output);

    /// <summary>
    /// Where the component reads from or writes to the residual stream, in computation order: embeddings 0,
    /// heads of layer l at 2l+1, the MLP of layer l at 2l+2, the logits last. A path must strictly increase it.
    /// Long, so that no layer count wraps it round (in int, the logits of a 2^31 - 1 layer model came first).
    /// </summary>
    public long ResidualOrder => Kind switch
    {
        ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding => 0,
        ComponentKind.AttentionHead => (2L * Layer) + 1,
        ComponentKind.Mlp => (2L * Layer) + 2,
        _ => (2L * Layer) + 1,
    };

    /// <summary>The same component's output (drops a q/k/v channel).</summary>
    public ModelComponent AsOutput => this with { Channel = Channel.Output };

    /// <summary>True for embeddings, which read nothing.</summary>
    public bool IsInput => Kind is ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding;

    /// <summary>The component as the language writes it: <c>L1.H6.k</c>, <c>L0.mlp</c>, <c>embed</c>.</summary>
    public override string ToString()
    {
        string suffix = Channel switch { Channel.Query => ".q", Channel.Key => ".k", Channel.Value => ".v", _ => string.Empty };
        return Kind switch
        {
            ComponentKind.TokenEmbedding => "embed" + suffix,
            ComponentKind.PositionalEmbedding => "pos_embed" + suffix,
            ComponentKind.AttentionHead => string.Create(CultureInfo.InvariantCulture, $"L{Layer}.H{Head}{suffix}"),
            ComponentKind.Mlp => string.Create(CultureInfo.InvariantCulture, $"L{Layer}.mlp{suffix}"),
            _ => "logits" + suffix,
        };
    }
}
