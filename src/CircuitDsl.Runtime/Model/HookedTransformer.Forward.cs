using CircuitDsl.Runtime.Hooks;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// The forward pass proper. Per-head results and split q/k/v inputs are computed only when some hook run
// wants them: the fused einsums give the same numbers without the [batch, pos, head, d_model] tensors.
public sealed partial class HookedTransformer
{
    Tensor RunBlocks(Tensor residual, int startAtLayer, RunOptions options, HookRun run, Tail? tail = null)
    {
        int stop = options.StopAtLayer ?? Config.Layers;
        if (stop < startAtLayer || stop > Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(options), options.StopAtLayer, $"StopAtLayer must lie in {startAtLayer}..{Config.Layers}");
        for (int l = startAtLayer; l < Config.Layers; l++)
        {
            if (l == stop) return run.Fire(Hooks.Layers[l].ResidPre, residual);
            // A block's intermediates die with it (a cache holds its own handles): a forward's peak is one block's
            // activations, not every block's (49 MB a block for a 1B-parameter model at 128 tokens). Not with custom
            // interventions: their functions may keep an activation they were given for a later hook.
            using var block = run.HasCustomInterventions ? null : NewDisposeScope();
            residual = Block(l, residual, run, tail);
            if (block is not null) residual = residual.MoveToOuterDisposeScope();
        }
        return options.StopAtLayer == Config.Layers ? residual : Unembed(residual, run);
    }

    Tensor Block(int layer, Tensor residual, HookRun run, Tail? tail)
    {
        var n = Hooks.Layers[layer];
        var weights = blocks[layer];
        var residPre = run.Fire(n.ResidPre, residual);
        var attnOut = run.Fire(n.AttnOut, Attention(layer, weights, n, residPre, run, tail));
        if (weights.mlp is null)
            return run.Fire(n.ResidPost, residPre + attnOut);
        if (Config.ParallelResidual) // GPT-NeoX: the MLP reads the block's input, not its heads (hook_mlp_in: its own copy)
            return run.Fire(n.ResidPost, residPre + attnOut + Mlp(weights, n, run.Fire(n.MlpIn, residPre), run));

        var residMid = run.Fire(n.ResidMid, residPre + attnOut);
        var mlpOut = Mlp(weights, n, residMid, run);
        return run.Fire(n.ResidPost, residMid + mlpOut);
    }

    /// <summary>
    /// The MLP output for the stream it reads (resid_mid, or resid_pre in a parallel block), hook_mlp_out fired.
    /// Shared with MlpOut (HookedTransformer.Parts.cs) so that both compute bit-for-bit the same MLP.
    /// </summary>
    Tensor Mlp(BlockWeights weights, LayerHookNames n, Tensor mlpInput, HookRun run)
    {
        var mlp = weights.mlp!;
        var x = weights.ln2?.Apply(mlpInput, n.Ln2Scale, n.Ln2Normalized, run) ?? mlpInput;
        Tensor post;
        if (mlp.W_gate is { } gate)
        {
            var pre = run.Fire(n.MlpPre, WithFloat32(gate, x.matmul));
            var linear = run.Fire(n.MlpPreLinear, WithFloat32(mlp.W_in, x.matmul) + mlp.b_in);
            post = run.Fire(n.MlpPost, Activate(pre) * linear);
        }
        else
        {
            var pre = run.Fire(n.MlpPre, WithFloat32(mlp.W_in, x.matmul) + mlp.b_in);
            post = run.Fire(n.MlpPost, Activate(pre));
        }
        var output = WithFloat32(mlp.W_out, post.matmul) + mlp.b_out;
        return run.Fire(n.MlpOut, weights.ln2_post?.Apply(output, n.Ln2PostScale, n.Ln2PostNormalized, run) ?? output);
    }

    /// <summary>The attention block's output (Gemma-2: after ln1_post); hook_attn_out is fired by the caller.</summary>
    Tensor Attention(int layer, BlockWeights weights, LayerHookNames n, Tensor residPre, HookRun run, Tail? tail)
    {
        var a = weights.attn;
        Tensor q, k, v;
        if (run.Wants(n.QInput) || run.Wants(n.KInput) || run.Wants(n.VInput))
        {
            // Each head reads its own copy of the residual stream, so one head's input can be patched alone; under
            // grouped-query attention keys and values are read per key/value head.
            var queries = residPre.unsqueeze(2).expand(-1, -1, Config.Heads, -1);
            var keysAndValues = residPre.unsqueeze(2).expand(-1, -1, Config.KvHeads, -1);
            q = ProjectPerHead(run.Fire(n.QInput, queries), a.W_Q, a.b_Q, weights, n, run);
            k = ProjectPerHead(run.Fire(n.KInput, keysAndValues), a.W_K, a.b_K, weights, n, run);
            v = ProjectPerHead(run.Fire(n.VInput, keysAndValues), a.W_V, a.b_V, weights, n, run);
        }
        else
        {
            var x = weights.ln1?.Apply(residPre, n.Ln1Scale, n.Ln1Normalized, run) ?? residPre;
            q = WithFloat32(a.W_Q, w => einsum("bpd,hde->bphe", x, w)) + a.b_Q;
            k = WithFloat32(a.W_K, w => einsum("bpd,hde->bphe", x, w)) + a.b_K;
            v = WithFloat32(a.W_V, w => einsum("bpd,hde->bphe", x, w)) + a.b_V;
        }
        q = run.Fire(n.Q, q);
        k = run.Fire(n.K, k);
        v = run.Fire(n.V, v);
        int first = tail?.First ?? 0;
        if (rotary is not null)
        {
            q = run.Fire(n.RotQ, rotary.Apply(q, first));
            k = run.Fire(n.RotK, rotary.Apply(k, first));
        }
        if (tail is not null)
        {
            // Positions before the tail read the run that is continued: their keys and values are that run's.
            var prefix = tail.Prefix(layer);
            k = cat([prefix.Keys, k], 1);
            v = cat([prefix.Values, v], 1);
        }
        if (Config.KvHeads != Config.Heads)
        {
            // Query head h reads key/value head h / G (Hugging Face's repeat_kv).
            k = k.repeat_interleave(Config.QueriesPerKvHead, 2);
            v = v.repeat_interleave(Config.QueriesPerKvHead, 2);
        }

        var scores = einsum("bqhe,bkhe->bhqk", q, k) * Config.ScoreScale;
        if (Config.AttentionSoftCap is { } cap) scores = (scores / cap).tanh() * cap; // Gemma-2: before the mask
        scores = run.Fire(n.AttnScores, scores + MaskTerms(layer, first, q.shape[1], scores));
        var pattern = run.Fire(n.Pattern, scores.softmax(-1));
        var z = run.Fire(n.Z, einsum("bhqk,bkhe->bqhe", pattern, v));

        Tensor output;
        if (!run.Wants(n.Result))
            output = WithFloat32(a.W_O, w => einsum("bqhe,hem->bqm", z, w)) + a.b_O;
        else
            output = run.Fire(n.Result, WithFloat32(a.W_O, w => einsum("bqhe,hem->bqhm", z, w))).sum(2) + a.b_O;
        return weights.ln1_post?.Apply(output, n.Ln1PostScale, n.Ln1PostNormalized, run) ?? output;
    }

    /// <summary>
    /// [queries, first + queries]: true where a query (at position first + i) may not read a key: later keys, and on a
    /// sliding-window layer keys W or more positions back. Built at the run's length rather than once at
    /// context_length: [n_ctx, n_ctx] is a terabyte at MaxContext.
    /// </summary>
    Tensor AttentionMask(int layer, int first, long queries, Device device)
    {
        long keys = first + queries;
        var mask = ones(queries, keys, ScalarType.Bool, device).triu(1 + first);
        return Config.WindowOf(layer) is { } window && window < keys
            ? mask | ones(queries, keys, ScalarType.Bool, device).tril(first - window)
            : mask;
    }

    /// <summary>
    /// The mask as terms to add to <paramref name="scores"/>' [queries, keys]: −∞ where masked, 0 elsewhere. The sum is
    /// what masked_fill gives (x + 0 is x; only a −0 score would read +0), and a broadcast add runs about 4x faster than
    /// masked_fill's broadcast mask on the zoo models' scores.
    /// </summary>
    Tensor MaskTerms(int layer, int first, long queries, Tensor scores)
    {
        var mask = AttentionMask(layer, first, queries, scores.device);
        return zeros(mask.shape, scores.dtype, scores.device).masked_fill_(mask, float.NegativeInfinity);
    }

    Tensor ProjectPerHead(Tensor input, Tensor w, Tensor b, BlockWeights weights, LayerHookNames n, HookRun run)
    {
        var x = weights.ln1?.Apply(input, n.Ln1Scale, n.Ln1Normalized, run) ?? input;
        return WithFloat32(w, wide => einsum("bphd,hde->bphe", x, wide)) + b;
    }

    Tensor Activate(Tensor x) => Config.Activation switch
    {
        Activation.GeluNew => nn.functional.gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        Activation.Gelu => nn.functional.gelu(x),
        Activation.Relu => nn.functional.relu(x),
        Activation.Silu => nn.functional.silu(x),
        _ => throw new InvalidOperationException($"unknown activation {Config.Activation}"),
    };

    Tensor Unembed(Tensor residual, HookRun run)
    {
        var x = ln_final?.Apply(residual, HookNames.FinalScale, HookNames.FinalNormalized, run) ?? residual;
        return SoftCapLogits(UnembedMatmul(x) + b_U);
    }

    /// <summary>Gemma-2's c·tanh(logits / c); elementwise, so the metric-sparse unembeddings apply it to the columns they compute.</summary>
    Tensor SoftCapLogits(Tensor logits) => Config.LogitSoftCap is { } cap ? (logits / cap).tanh() * cap : logits;
}
