using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>Where each component lives in the hooked model: the hook of its output, of its residual input, and its checks.</summary>
public sealed class ComponentHooks(HookedTransformer model)
{
    public HookedTransformer Model { get; } = model;
    ModelConfig Config => Model.Config;

    /// <summary>The hook holding what the component writes into the residual stream ([b, p, d] or per head).</summary>
    public string OutputHook(Component c) => c.Kind switch
    {
        ComponentKind.TokenEmbedding => HookNames.Embed,
        ComponentKind.PositionalEmbedding => HookNames.PosEmbed,
        ComponentKind.Head => Model.Hooks.Layers[c.Layer].Result,
        ComponentKind.Mlp => Model.Hooks.Layers[c.Layer].MlpOut,
        _ => throw new ArgumentException($"{c} writes nothing into the residual stream"),
    };

    /// <summary>
    /// The residual stream the component reads: resid_pre of its layer (heads), resid_mid (MLPs; resid_pre in a
    /// parallel block, whose MLP reads the block's input beside its heads), the final stream (logits).
    /// </summary>
    public string ReadHook(Component c) => c.Kind switch
    {
        ComponentKind.Head => Model.Hooks.Layers[c.Layer].ResidPre,
        ComponentKind.Mlp => Config.ParallelResidual ? Model.Hooks.Layers[c.Layer].ResidPre : Model.Hooks.Layers[c.Layer].ResidMid,
        ComponentKind.Logits => Model.Hooks.Layers[Config.Layers - 1].ResidPost,
        _ => throw new ArgumentException($"{c} reads nothing from the residual stream"),
    };

    /// <summary>The split input hook of a head's q, k or v.</summary>
    public string InputHook(Component head, Channel channel) =>
        Model.Hooks.Layers[head.Layer].Input(channel switch
        {
            Channel.Query => 'q',
            Channel.Key => 'k',
            Channel.Value => 'v',
            _ => throw new ArgumentException($"{head}: only q, k or v inputs have their own hook"),
        });

    /// <summary>
    /// The slice of a split input hook that head <paramref name="head"/>'s <paramref name="channel"/> reads: its own
    /// for q, its key/value head's for k and v (grouped-query attention: every query head of the group reads it, so
    /// setting it changes the keys or values of the whole group, as TransformerLens's hook_k_input/hook_v_input do).
    /// </summary>
    public int InputSlice(int head, Channel channel) => channel is Channel.Key or Channel.Value ? Config.KvHeadOf(head) : head;

    /// <summary>The selection of <paramref name="heads"/>' slices of the split input hook of <paramref name="channel"/>.</summary>
    public Selection InputSelection(IEnumerable<int> heads, Channel channel) =>
        Selection.ForHeads([.. heads.Select(h => InputSlice(h, channel)).Distinct()]);

    /// <summary>
    /// Whether <paramref name="writer"/>'s output is part of the residual stream <paramref name="reader"/> reads: it
    /// writes earlier in computation order, except that in a parallel block (GPT-NeoX) the MLP of layer l reads the
    /// block's input, beside the heads of layer l rather than after them.
    /// </summary>
    public bool Feeds(Component writer, Component reader) =>
        writer.ResidualOrder < reader.ResidualOrder
        && !(Config.ParallelResidual && writer.Kind == ComponentKind.Head && reader.Kind == ComponentKind.Mlp && writer.Layer == reader.Layer);

    /// <summary>The component's output [b, p, d_model] read from a cache (a head's slice of hook_result).</summary>
    public Tensor ReadOutput(ActivationCache cache, Component c)
    {
        var t = cache[OutputHook(c)];
        return c.Kind == ComponentKind.Head ? t.select(2, c.HeadIndex) : t;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when the model has no such component.</summary>
    public void Require(Component c, string context)
    {
        string? problem = c.Kind switch
        {
            ComponentKind.Head when c.Layer < 0 || c.Layer >= Config.Layers => $"layer {c.Layer} (the model has layers 0..{Config.Layers - 1})",
            ComponentKind.Head when c.HeadIndex < 0 || c.HeadIndex >= Config.Heads => $"head {c.HeadIndex} (the model has heads 0..{Config.Heads - 1})",
            ComponentKind.Mlp when !Config.HasMlp => "an MLP (the model is attention-only)",
            ComponentKind.Mlp when c.Layer < 0 || c.Layer >= Config.Layers => $"layer {c.Layer} (the model has layers 0..{Config.Layers - 1})",
            ComponentKind.PositionalEmbedding when Config.IsRotary => "a learned position embedding (the model is rotary: positions enter through q and k, and there is no hook_pos_embed)",
            _ => null,
        };
        if (problem is not null)
            throw new ArgumentException($"{context}: {c} names {problem} that {Config.Name} does not have");
        if (c.Channel != Channel.Output && c.Kind != ComponentKind.Head)
            throw new ArgumentException($"{context}: only attention heads have q/k/v inputs ({c})");
    }

    /// <summary>
    /// Every hook of the model that a clean run must record for the engine's computations (only those the model has:
    /// no hook_pos_embed on a rotary model, no resid_mid in a parallel block; the scales of every norm that path
    /// patching may freeze, ln1_post's and ln2_post's too with sandwich norms).
    /// </summary>
    public IEnumerable<string> StandardHooks()
    {
        yield return HookNames.Embed;
        if (!Config.IsRotary) yield return HookNames.PosEmbed;
        foreach (var n in Model.Hooks.Layers)
        {
            yield return n.ResidPre;
            // Keys and values, for path patching's pass D from a receiver's first position on (HookedTransformer.ForwardTail).
            yield return Model.PrefixKeyHook(n.Layer);
            yield return n.V;
            // Queries, for pass D's heads whose queries no receiver changes (HookedTransformer.HeadResults).
            yield return Model.QueryHook(n.Layer);
            yield return n.Result;
            if (Config.SandwichNorms) yield return n.Ln1PostScale;
            yield return n.AttnOut;
            if (Config.HasMlp)
            {
                if (!Config.ParallelResidual) yield return n.ResidMid;
                yield return n.MlpOut;
                if (Config.HasNormalization) yield return n.Ln2Scale;
                if (Config.SandwichNorms) yield return n.Ln2PostScale;
            }
        }
        // A block's resid_post is the next block's resid_pre; only the final stream is recorded under its own name.
        yield return Model.Hooks.Layers[^1].ResidPost;
        if (Config.HasNormalization) yield return HookNames.FinalScale;
    }

    /// <summary>A boolean [b, p] mask of <paramref name="positions"/> resolved on each example.</summary>
    public static Tensor PositionMask(PositionSet positions, IReadOnlyList<Data.Example> examples, int length)
    {
        var flags = new bool[examples.Count * length];
        for (int i = 0; i < examples.Count; i++)
            foreach (int p in positions.Resolve(examples[i]))
                flags[i * length + p] = true;
        return tensor(flags, [examples.Count, length]);
    }
}
