using System.Globalization;
using System.Text.RegularExpressions;

namespace CircuitDsl.Interventions.Plan;

/// <summary>The kinds of model component a claim can name (the language's vocabulary).</summary>
public enum ComponentKind { TokenEmbedding, PositionalEmbedding, Head, Mlp, Logits }

/// <summary>Which part of a component: its output, or one of an attention head's inputs.</summary>
public enum Channel { Output, Query, Key, Value }

/// <summary>
/// A model component as the language writes it: <c>embed</c>, <c>pos_embed</c>, <c>L1.H6</c>, <c>L1.H6.k</c>,
/// <c>L0.mlp</c>, <c>logits</c>. Embeddings have layer -1; the logits have layer = the model's layer count
/// (use <see cref="Logits"/> and the engine fills it in); only heads have a head index and a q/k/v channel.
/// </summary>
public readonly partial record struct Component(ComponentKind Kind, int Layer, int Head, Channel Channel)
{
    public static Component Embed { get; } = new(ComponentKind.TokenEmbedding, -1, -1, Channel.Output);
    public static Component PosEmbed { get; } = new(ComponentKind.PositionalEmbedding, -1, -1, Channel.Output);
    /// <summary>The output (final residual stream read by the unembedding). Its layer is resolved per model.</summary>
    public static Component Logits { get; } = new(ComponentKind.Logits, int.MaxValue, -1, Channel.Output);

    public static Component AttentionHead(int layer, int head, Channel channel = Channel.Output) =>
        new(ComponentKind.Head, layer, head, channel);

    public static Component Mlp(int layer) => new(ComponentKind.Mlp, layer, -1, Channel.Output);

    public bool IsEmbedding => Kind is ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding;

    /// <summary>The same component's output (drops a q/k/v channel).</summary>
    public Component AsOutput => this with { Channel = Channel.Output };

    /// <summary>
    /// Where the component writes into (or, for a q/k/v input or the logits, reads from) the residual stream:
    /// embeddings 0, heads of layer l at 2l+1, the MLP of layer l at 2l+2, the logits last. A writer affects a
    /// reader directly only when its order is strictly smaller.
    /// </summary>
    public int ResidualOrder => Kind switch
    {
        ComponentKind.TokenEmbedding or ComponentKind.PositionalEmbedding => 0,
        ComponentKind.Head => 2 * Layer + 1,
        ComponentKind.Mlp => 2 * Layer + 2,
        _ => int.MaxValue,
    };

    public override string ToString()
    {
        string suffix = Channel switch { Channel.Query => ".q", Channel.Key => ".k", Channel.Value => ".v", _ => "" };
        return Kind switch
        {
            ComponentKind.TokenEmbedding => "embed",
            ComponentKind.PositionalEmbedding => "pos_embed",
            ComponentKind.Head => string.Create(CultureInfo.InvariantCulture, $"L{Layer}.H{Head}{suffix}"),
            ComponentKind.Mlp => string.Create(CultureInfo.InvariantCulture, $"L{Layer}.mlp"),
            _ => "logits",
        };
    }

    /// <summary>Reads the language's spelling (<c>L1.H0.k</c>, <c>L0.mlp</c>, <c>embed</c>, <c>pos_embed</c>, <c>logits</c>).</summary>
    public static Component Parse(string text)
    {
        switch (text)
        {
            case "embed": return Embed;
            case "pos_embed": return PosEmbed;
            case "logits": return Logits;
        }
        var m = HeadPattern().Match(text);
        if (m.Success)
        {
            var channel = m.Groups[3].Value switch { "q" => Channel.Query, "k" => Channel.Key, "v" => Channel.Value, _ => Channel.Output };
            return AttentionHead(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), channel);
        }
        m = MlpPattern().Match(text);
        if (m.Success) return Mlp(int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        throw new FormatException($"'{text}' is not a component (expected embed, pos_embed, L<layer>.H<head>[.q|.k|.v], L<layer>.mlp or logits)");
    }

    [GeneratedRegex(@"^L(\d+)\.H(\d+)(?:\.([qkv]))?$")]
    private static partial Regex HeadPattern();

    [GeneratedRegex(@"^L(\d+)\.mlp$")]
    private static partial Regex MlpPattern();
}
