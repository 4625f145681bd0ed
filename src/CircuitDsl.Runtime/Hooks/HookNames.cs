using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Hooks;

/// <summary>
/// The hook points of a model, named as TransformerLens names them. Names are built once per model so that
/// the forward pass looks them up without allocating.
/// </summary>
public sealed class HookNames
{
    public const string Embed = "hook_embed";
    public const string PosEmbed = "hook_pos_embed";
    public const string FinalScale = "ln_final.hook_scale";
    public const string FinalNormalized = "ln_final.hook_normalized";

    public IReadOnlyList<LayerHookNames> Layers { get; }
    public IReadOnlyList<HookPoint> All { get; }
    readonly Dictionary<string, HookPoint> byName;

    public HookNames(ModelConfig config)
    {
        Layers = Enumerable.Range(0, config.Layers).Select(l => new LayerHookNames(l)).ToArray();
        All = Describe(config).ToArray();
        byName = All.ToDictionary(h => h.Name, StringComparer.Ordinal);
    }

    public bool TryGet(string name, out HookPoint point) => byName.TryGetValue(name, out point!);

    /// <summary>The hook point of that name, or a <see cref="KeyNotFoundException"/> that lists near names.</summary>
    public HookPoint Get(string name) =>
        byName.TryGetValue(name, out var point)
            ? point
            : throw new KeyNotFoundException($"no hook point named '{name}' in this model (see 'circuit model info' for the list)");

    static IEnumerable<HookPoint> Describe(ModelConfig c)
    {
        // Under grouped-query attention k, v and their split inputs have one slice per key/value head (TransformerLens's layout).
        string kvHead = c.KvHeads == c.Heads ? "head" : "kv_head";
        yield return new(Embed, -1, HookLayout.Residual, "[batch, pos, d_model]");
        if (!c.IsRotary) yield return new(PosEmbed, -1, HookLayout.Residual, "[batch, pos, d_model]");
        for (int l = 0; l < c.Layers; l++)
        {
            var n = new LayerHookNames(l);
            yield return new(n.ResidPre, l, HookLayout.Residual, "[batch, pos, d_model]");
            yield return new(n.QInput, l, HookLayout.PerHead, "[batch, pos, head, d_model]", OnDemand: true);
            yield return new(n.KInput, l, HookLayout.PerHead, $"[batch, pos, {kvHead}, d_model]", OnDemand: true);
            yield return new(n.VInput, l, HookLayout.PerHead, $"[batch, pos, {kvHead}, d_model]", OnDemand: true);
            if (c.HasNormalization)
            {
                yield return new(n.Ln1Scale, l, HookLayout.Scale, "[batch, pos, 1] (with split inputs: fires for q, k and v, [batch, pos, head or kv_head, 1])");
                yield return new(n.Ln1Normalized, l, HookLayout.Residual, "[batch, pos, d_model] (or per head with split inputs)");
            }
            yield return new(n.Q, l, HookLayout.PerHead, "[batch, pos, head, d_head]");
            yield return new(n.K, l, HookLayout.PerHead, $"[batch, pos, {kvHead}, d_head]");
            yield return new(n.V, l, HookLayout.PerHead, $"[batch, pos, {kvHead}, d_head]");
            if (c.IsRotary)
            {
                yield return new(n.RotQ, l, HookLayout.PerHead, "[batch, pos, head, d_head]");
                yield return new(n.RotK, l, HookLayout.PerHead, $"[batch, pos, {kvHead}, d_head]");
            }
            yield return new(n.AttnScores, l, HookLayout.Attention, "[batch, head, query_pos, key_pos]");
            yield return new(n.Pattern, l, HookLayout.Attention, "[batch, head, query_pos, key_pos]");
            yield return new(n.Z, l, HookLayout.PerHead, "[batch, pos, head, d_head]");
            yield return new(n.Result, l, HookLayout.PerHead, "[batch, pos, head, d_model]", OnDemand: true);
            if (c.SandwichNorms)
            {
                yield return new(n.Ln1PostScale, l, HookLayout.Scale, "[batch, pos, 1]");
                yield return new(n.Ln1PostNormalized, l, HookLayout.Residual, "[batch, pos, d_model]");
            }
            yield return new(n.AttnOut, l, HookLayout.Residual, "[batch, pos, d_model]");
            if (c.HasMlp)
            {
                if (!c.ParallelResidual) yield return new(n.ResidMid, l, HookLayout.Residual, "[batch, pos, d_model]");
                // A parallel block has no resid_mid: the MLP's own copy of the block's input, which a patch changes for the MLP alone.
                else yield return new(n.MlpIn, l, HookLayout.Residual, "[batch, pos, d_model] (the block's input as the MLP reads it)");
                if (c.HasNormalization)
                {
                    yield return new(n.Ln2Scale, l, HookLayout.Scale, "[batch, pos, 1]");
                    yield return new(n.Ln2Normalized, l, HookLayout.Residual, "[batch, pos, d_model]");
                }
                yield return new(n.MlpPre, l, HookLayout.Residual, "[batch, pos, d_mlp]");
                if (c.GatedMlp) yield return new(n.MlpPreLinear, l, HookLayout.Residual, "[batch, pos, d_mlp]");
                yield return new(n.MlpPost, l, HookLayout.Residual, "[batch, pos, d_mlp]");
                if (c.SandwichNorms)
                {
                    yield return new(n.Ln2PostScale, l, HookLayout.Scale, "[batch, pos, 1]");
                    yield return new(n.Ln2PostNormalized, l, HookLayout.Residual, "[batch, pos, d_model]");
                }
                yield return new(n.MlpOut, l, HookLayout.Residual, "[batch, pos, d_model]");
            }
            yield return new(n.ResidPost, l, HookLayout.Residual, "[batch, pos, d_model]");
        }
        if (c.HasNormalization)
        {
            yield return new(FinalScale, -1, HookLayout.Scale, "[batch, pos, 1]");
            yield return new(FinalNormalized, -1, HookLayout.Residual, "[batch, pos, d_model]");
        }
    }
}

/// <summary>The hook names of one block.</summary>
public sealed class LayerHookNames(int layer)
{
    public int Layer { get; } = layer;
    public string ResidPre { get; } = $"blocks.{layer}.hook_resid_pre";
    public string ResidMid { get; } = $"blocks.{layer}.hook_resid_mid";
    public string ResidPost { get; } = $"blocks.{layer}.hook_resid_post";
    public string QInput { get; } = $"blocks.{layer}.hook_q_input";
    public string KInput { get; } = $"blocks.{layer}.hook_k_input";
    public string VInput { get; } = $"blocks.{layer}.hook_v_input";
    public string Ln1Scale { get; } = $"blocks.{layer}.ln1.hook_scale";
    public string Ln1Normalized { get; } = $"blocks.{layer}.ln1.hook_normalized";
    public string Ln2Scale { get; } = $"blocks.{layer}.ln2.hook_scale";
    public string Ln2Normalized { get; } = $"blocks.{layer}.ln2.hook_normalized";
    public string Ln1PostScale { get; } = $"blocks.{layer}.ln1_post.hook_scale";
    public string Ln1PostNormalized { get; } = $"blocks.{layer}.ln1_post.hook_normalized";
    public string Ln2PostScale { get; } = $"blocks.{layer}.ln2_post.hook_scale";
    public string Ln2PostNormalized { get; } = $"blocks.{layer}.ln2_post.hook_normalized";
    public string Q { get; } = $"blocks.{layer}.attn.hook_q";
    public string K { get; } = $"blocks.{layer}.attn.hook_k";
    public string V { get; } = $"blocks.{layer}.attn.hook_v";
    public string RotQ { get; } = $"blocks.{layer}.attn.hook_rot_q";
    public string RotK { get; } = $"blocks.{layer}.attn.hook_rot_k";
    public string AttnScores { get; } = $"blocks.{layer}.attn.hook_attn_scores";
    public string Pattern { get; } = $"blocks.{layer}.attn.hook_pattern";
    public string Z { get; } = $"blocks.{layer}.attn.hook_z";
    public string Result { get; } = $"blocks.{layer}.attn.hook_result";
    public string AttnOut { get; } = $"blocks.{layer}.hook_attn_out";
    /// <summary>A parallel block's MLP input (TransformerLens's hook_mlp_in): resid_pre, seen by the MLP alone.</summary>
    public string MlpIn { get; } = $"blocks.{layer}.hook_mlp_in";
    public string MlpPre { get; } = $"blocks.{layer}.mlp.hook_pre";
    public string MlpPreLinear { get; } = $"blocks.{layer}.mlp.hook_pre_linear";
    public string MlpPost { get; } = $"blocks.{layer}.mlp.hook_post";
    public string MlpOut { get; } = $"blocks.{layer}.hook_mlp_out";

    /// <summary>The split input hook of a channel: 'q', 'k' or 'v'.</summary>
    public string Input(char channel) => channel switch
    {
        'q' => QInput,
        'k' => KInput,
        'v' => VInput,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "expected q, k or v"),
    };
}
