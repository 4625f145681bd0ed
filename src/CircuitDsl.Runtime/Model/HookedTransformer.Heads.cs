using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// Some heads of one layer on their own, for engines that know the other heads' outputs already (path patching's
// pass D: heads whose inputs a patch does not touch give the clean run's outputs, so only the touched ones run).
public sealed partial class HookedTransformer
{
    /// <summary>
    /// The outputs (hook_result, before b_O) of query heads <paramref name="heads"/> of block <paramref name="layer"/>
    /// at query positions first .. first + T − 1, computed as the forward pass computes them (ln1, projections,
    /// rotation, score scale and soft-cap, causal and sliding-window mask, softmax, W_O). Each channel is given per
    /// head (<see cref="HeadInput"/>): as the stream it reads [B, T, heads, d_model], or already projected [B, T,
    /// heads, d_head] (q and k after rotation); keys and values are those of each head's key/value head at the same
    /// positions (under grouped-query attention, heads of one group must be given the same). Keys and values of
    /// positions 0 .. first − 1 come from <paramref name="prefix"/> (every key/value head, [B, first, kv_head,
    /// d_head], keys after rotation; null when first is 0). Returns [B, T, heads, d_model], or with
    /// <paramref name="queryRows"/> (indices into the B·T query rows) [rows, heads, d_model], W_O applied at those
    /// rows only. No hooks fire. The caller owns the result.
    /// </summary>
    public Tensor HeadResults(int layer, IReadOnlyList<int> heads, HeadInput queries, HeadInput keys, HeadInput values, int first,
        KeyValuePrefix? prefix, Tensor? queryRows = null)
    {
        if (layer < 0 || layer >= Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"the model has layers 0..{Config.Layers - 1}");
        if (heads.Count == 0 || heads.Any(h => h < 0 || h >= Config.Heads))
            throw new ArgumentException($"heads must be some of 0..{Config.Heads - 1}", nameof(heads));
        long batch = queries.Value.shape[0], positions = queries.Value.shape[1];
        foreach (var input in new[] { queries, keys, values })
        {
            long[] expected = [batch, positions, heads.Count, input.Projected ? Config.DHead : Config.DModel];
            if (!input.Value.shape.SequenceEqual(expected))
                throw new ArgumentException($"head inputs must be [{string.Join(", ", expected)}]; got [{string.Join(", ", input.Value.shape)}]");
        }
        if ((first > 0) != (prefix is not null)) throw new ArgumentException("a prefix of keys and values is given exactly when the queries start after position 0");
        if (prefix is not null) CheckedPrefix(prefix, layer, first, batch);
        using var mode = no_grad();
        using var scope = NewDisposeScope();
        var weights = blocks[layer];
        var a = weights.attn;
        var n = Hooks.Layers[layer];
        var run = new HookRun(Hooks, RunOptions.Plain);
        var device = queries.Value.device;
        var queryHeads = tensor(heads.Select(h => (long)h).ToArray(), device: device);
        var kvHeads = tensor(heads.Select(h => (long)Config.KvHeadOf(h)).ToArray(), device: device);
        Tensor Project(HeadInput input, Tensor w, Tensor b, Tensor which, bool rotate)
        {
            if (input.Projected) return input.Value;
            var x = weights.ln1?.Apply(input.Value, n.Ln1Scale, n.Ln1Normalized, run) ?? input.Value;
            var projected = einsum("bphd,hde->bphe", x, Widen(w.index_select(0, which))) + b.index_select(0, which);
            return rotate && rotary is not null ? rotary.Apply(projected, first) : projected;
        }
        var q = Project(queries, a.W_Q, a.b_Q, queryHeads, rotate: true);
        var k = Project(keys, a.W_K, a.b_K, kvHeads, rotate: true);
        var v = Project(values, a.W_V, a.b_V, kvHeads, rotate: false);
        if (prefix is not null)
        {
            k = cat([prefix.Keys.index_select(2, kvHeads), k], 1);
            v = cat([prefix.Values.index_select(2, kvHeads), v], 1);
        }
        var scores = einsum("bqhe,bkhe->bhqk", q, k) * Config.ScoreScale;
        if (Config.AttentionSoftCap is { } cap) scores = (scores / cap).tanh() * cap;
        scores = scores.add_(MaskTerms(layer, first, positions, scores));
        var z = einsum("bhqk,bkhe->bqhe", scores.softmax(-1), v);
        var wO = Widen(a.W_O.index_select(0, queryHeads));
        var result = queryRows is null
            ? einsum("bqhe,hem->bqhm", z, wO)
            : einsum("rhe,hem->rhm", z.flatten(0, 1).index_select(0, queryRows), wO);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>The hook whose cached value is a layer's queries as attention reads them: hook_rot_q on rotary models, else hook_q.</summary>
    public string QueryHook(int layer) => Config.IsRotary ? Hooks.Layers[layer].RotQ : Hooks.Layers[layer].Q;
}

/// <summary>
/// One channel (q, k or v) of the heads <see cref="HookedTransformer.HeadResults"/> computes: the residual stream
/// each head reads [B, T, heads, d_model], or the channel already projected [B, T, heads, d_head] (q and k rotated).
/// </summary>
public sealed record HeadInput(Tensor Value, bool Projected)
{
    public static HeadInput Stream(Tensor stream) => new(stream, false);

    public static HeadInput AlreadyProjected(Tensor projected) => new(projected, true);
}
