using CircuitDsl.Runtime.Hooks;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Model;

// The forward pass proper. Per-head results and split q/k/v inputs are computed only when some hook run
// wants them: the fused einsums give the same numbers without the [batch, pos, head, d_model] tensors.
public sealed partial class HookedTransformer
{
    Tensor RunBlocks(Tensor residual, int startAtLayer, RunOptions options, HookRun run)
    {
        int stop = options.StopAtLayer ?? Config.Layers;
        if (stop < startAtLayer || stop > Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(options), options.StopAtLayer, $"StopAtLayer must lie in {startAtLayer}..{Config.Layers}");
        for (int l = startAtLayer; l < Config.Layers; l++)
        {
            if (l == stop) return run.Fire(Hooks.Layers[l].ResidPre, residual);
            residual = Block(l, residual, run);
        }
        return options.StopAtLayer == Config.Layers ? residual : Unembed(residual, run);
    }

    Tensor Block(int layer, Tensor residual, HookRun run)
    {
        var n = Hooks.Layers[layer];
        var weights = blocks[layer];
        var residPre = run.Fire(n.ResidPre, residual);
        var attnOut = run.Fire(n.AttnOut, Attention(weights, n, residPre, run));
        if (weights.mlp is null)
            return run.Fire(n.ResidPost, residPre + attnOut);

        var residMid = run.Fire(n.ResidMid, residPre + attnOut);
        var mlpOut = Mlp(weights, n, residMid, run);
        return run.Fire(n.ResidPost, residMid + mlpOut);
    }

    // Shared with MlpOut (HookedTransformer.Parts.cs) so that both compute bit-for-bit the same MLP.
    Tensor Mlp(BlockWeights weights, LayerHookNames n, Tensor residMid, HookRun run)
    {
        var mlp = weights.mlp!;
        var mlpIn = weights.ln2?.Apply(residMid, n.Ln2Scale, n.Ln2Normalized, run) ?? residMid;
        var pre = run.Fire(n.MlpPre, WithFloat32(mlp.W_in, mlpIn.matmul) + mlp.b_in);
        var post = run.Fire(n.MlpPost, Activate(pre));
        return run.Fire(n.MlpOut, WithFloat32(mlp.W_out, post.matmul) + mlp.b_out);
    }

    Tensor Attention(BlockWeights weights, LayerHookNames n, Tensor residPre, HookRun run)
    {
        var a = weights.attn;
        Tensor q, k, v;
        if (run.Wants(n.QInput) || run.Wants(n.KInput) || run.Wants(n.VInput))
        {
            // Each head reads its own copy of the residual stream, so one head's input can be patched alone.
            var perHead = residPre.unsqueeze(2).expand(-1, -1, Config.Heads, -1);
            q = ProjectPerHead(run.Fire(n.QInput, perHead), a.W_Q, a.b_Q, weights, n, run);
            k = ProjectPerHead(run.Fire(n.KInput, perHead), a.W_K, a.b_K, weights, n, run);
            v = ProjectPerHead(run.Fire(n.VInput, perHead), a.W_V, a.b_V, weights, n, run);
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

        long positions = q.shape[1];
        var scores = einsum("bqhe,bkhe->bhqk", q, k) / Math.Sqrt(Config.DHead);
        // Built at the run's length rather than once at context_length: [n_ctx, n_ctx] is a terabyte at MaxContext.
        var mask = ones(positions, positions, ScalarType.Bool, scores.device).triu(1);
        scores = run.Fire(n.AttnScores, scores.masked_fill(mask, float.NegativeInfinity));
        var pattern = run.Fire(n.Pattern, scores.softmax(-1));
        var z = run.Fire(n.Z, einsum("bhqk,bkhe->bqhe", pattern, v));

        if (!run.Wants(n.Result))
            return WithFloat32(a.W_O, w => einsum("bqhe,hem->bqm", z, w)) + a.b_O;
        var result = run.Fire(n.Result, WithFloat32(a.W_O, w => einsum("bqhe,hem->bqhm", z, w)));
        return result.sum(2) + a.b_O;
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
        _ => throw new InvalidOperationException($"unknown activation {Config.Activation}"),
    };

    Tensor Unembed(Tensor residual, HookRun run)
    {
        var x = ln_final?.Apply(residual, HookNames.FinalScale, HookNames.FinalNormalized, run) ?? residual;
        return UnembedMatmul(x) + b_U;
    }
}
