using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.TestSupport;

/// <summary>
/// The forward pass of the Llama-like families and GPT-NeoX written from the formulas, straight on the Hugging Face
/// tensors ([out, in] linears, y = x Wᵀ + b) with plain tensor ops. It shares nothing with the runtime: its own
/// RMSNorm (Gemma's 1 + w applied here), LayerNorm, rotate-half RoPE (partial, llama3-rescaled), grouped-query
/// repetition, causal and sliding-window masks, soft-caps, gated and plain MLPs, sequential, parallel and sandwich blocks.
/// </summary>
public sealed class ReferenceHfForward(HfFamilyArch arch, IReadOnlyDictionary<string, Tensor> w)
{
    /// <summary>Logits [batch, pos, vocab] for int64 tokens [batch, pos]; the caller owns the result.</summary>
    public Tensor Forward(Tensor tokens)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], positions = tokens.shape[1];
        string embedName = arch.IsNeox ? "gpt_neox.embed_in.weight" : "model.embed_tokens.weight";
        var embed = w[embedName];
        var x = embed.index_select(0, tokens.reshape(-1)).reshape(batch, positions, arch.DModel);
        if (arch.EmbedScale) x = x * (float)Math.Sqrt(arch.DModel);
        var (cos, sin) = Angles(positions);
        for (int l = 0; l < arch.Layers; l++)
        {
            using var layerScope = NewDisposeScope();
            x = (arch.IsNeox ? NeoxBlock(x, l, cos, sin) : LlamaBlock(x, l, cos, sin)).MoveToOuterDisposeScope();
        }
        x = arch.IsNeox ? LayerNorm(x, "gpt_neox.final_layer_norm") : Rms(x, "model.norm.weight");
        string head = arch.IsNeox ? "embed_out.weight" : "lm_head.weight";
        var logits = x.matmul((arch.Tied ? embed : w[head]).t());
        if (arch.FinalSoftCap is { } cap) logits = (logits / cap).tanh() * cap;
        return logits.MoveToOuterDisposeScope();
    }

    Tensor LlamaBlock(Tensor x, int l, Tensor cos, Tensor sin)
    {
        string p = $"model.layers.{l}.";
        var a = Rms(x, p + "input_layernorm.weight");
        var q = Linear(a, p + "self_attn.q_proj").reshape(a.shape[0], a.shape[1], arch.Heads, arch.HeadDim);
        var k = Linear(a, p + "self_attn.k_proj").reshape(a.shape[0], a.shape[1], arch.KvHeads, arch.HeadDim);
        var v = Linear(a, p + "self_attn.v_proj").reshape(a.shape[0], a.shape[1], arch.KvHeads, arch.HeadDim);
        var z = Attention(q, k, v, l, cos, sin);
        var attnOut = Linear(z, p + "self_attn.o_proj");
        if (arch.Sandwich) attnOut = Rms(attnOut, p + "post_attention_layernorm.weight");
        x = x + attnOut;
        var m = Rms(x, p + (arch.Sandwich ? "pre_feedforward_layernorm.weight" : "post_attention_layernorm.weight"));
        var mlpOut = Linear(Act(Linear(m, p + "mlp.gate_proj")) * Linear(m, p + "mlp.up_proj"), p + "mlp.down_proj");
        if (arch.Sandwich) mlpOut = Rms(mlpOut, p + "post_feedforward_layernorm.weight");
        return x + mlpOut;
    }

    Tensor NeoxBlock(Tensor x, int l, Tensor cos, Tensor sin)
    {
        string p = $"gpt_neox.layers.{l}.";
        var a = LayerNorm(x, p + "input_layernorm");
        // Fused rows: head h, then q / k / v, then the component.
        var qkv = Linear(a, p + "attention.query_key_value").reshape(a.shape[0], a.shape[1], arch.Heads, 3, arch.HeadDim);
        var z = Attention(qkv.select(3, 0), qkv.select(3, 1), qkv.select(3, 2), l, cos, sin);
        var attnOut = Linear(z, p + "attention.dense");
        var mlpIn = arch.Parallel ? x : x + attnOut;
        var mlpOut = Linear(Act(Linear(LayerNorm(mlpIn, p + "post_attention_layernorm"), p + "mlp.dense_h_to_4h")), p + "mlp.dense_4h_to_h");
        return x + attnOut + mlpOut;
    }

    /// <summary>q [b, t, H, dh], k and v [b, t, K, dh] → the heads' outputs concatenated, [b, t, H·dh].</summary>
    Tensor Attention(Tensor q, Tensor k, Tensor v, int layer, Tensor cos, Tensor sin)
    {
        long b = q.shape[0], t = q.shape[1];
        q = Rotate(q, cos, sin);
        k = Rotate(k, cos, sin);
        int group = arch.Heads / (arch.IsNeox ? arch.Heads : arch.KvHeads);
        k = k.repeat_interleave(group, dim: 2);
        v = v.repeat_interleave(group, dim: 2);
        double scale = 1 / Math.Sqrt(arch.QueryPreAttnScalar ?? arch.HeadDim);
        var scores = q.permute(0, 2, 1, 3).matmul(k.permute(0, 2, 3, 1)) * scale; // [b, H, t, s]
        if (arch.AttnSoftCap is { } cap) scores = (scores / cap).tanh() * cap;
        var query = arange(t).unsqueeze(1);
        var key = arange(t).unsqueeze(0);
        var allowed = key <= query;
        bool windowed = arch.Window is not null && (arch.WindowedLayers?.Contains(layer) ?? true);
        if (windowed) allowed = allowed & (query - key < arch.Window!.Value);
        scores = scores.masked_fill(allowed.logical_not(), float.NegativeInfinity);
        var pattern = scores.softmax(-1);
        return pattern.matmul(v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3).reshape(b, t, arch.Heads * arch.HeadDim);
    }

    /// <summary>cos and sin [t, r] of the angles p·inv_j, with each half repeated (rotate-half layout).</summary>
    (Tensor Cos, Tensor Sin) Angles(long positions)
    {
        int r = arch.RotaryDim;
        var inv = new float[r / 2];
        for (int j = 0; j < inv.Length; j++)
        {
            double f = 1 / Math.Pow(arch.RopeTheta, 2.0 * j / r);
            if (arch.Llama3 is { } s)
            {
                double wavelength = 2 * Math.PI / f, low = s.Original / s.Low, high = s.Original / s.High;
                if (wavelength > low) f /= s.Factor;
                else if (wavelength >= high)
                {
                    double smooth = (s.Original / wavelength - s.Low) / (s.High - s.Low);
                    f = (1 - smooth) * f / s.Factor + smooth * f;
                }
            }
            inv[j] = (float)f;
        }
        var angles = arange(positions, dtype: ScalarType.Float32).unsqueeze(1) * tensor(inv).unsqueeze(0);
        var full = cat([angles, angles], 1);
        return (full.cos(), full.sin());
    }

    /// <summary>The first r dims of each head rotated: u·cos + rotate_half(u)·sin, rotate_half(u) = [−u₂, u₁]; the rest pass.</summary>
    Tensor Rotate(Tensor u, Tensor cos, Tensor sin)
    {
        int r = arch.RotaryDim, half = r / 2;
        var rot = u[.., .., .., ..r];
        var rotatedHalf = cat([-rot[.., .., .., half..], rot[.., .., .., ..half]], -1);
        var c = cos.unsqueeze(0).unsqueeze(2);
        var s = sin.unsqueeze(0).unsqueeze(2);
        var result = rot * c + rotatedHalf * s;
        return r == arch.HeadDim ? result : cat([result, u[.., .., .., r..]], -1);
    }

    Tensor Linear(Tensor x, string name) =>
        w.TryGetValue(name + ".bias", out var bias) ? x.matmul(w[name + ".weight"].t()) + bias : x.matmul(w[name + ".weight"].t());

    Tensor Rms(Tensor x, string weight)
    {
        var normed = x / (x.pow(2).mean([-1], keepdim: true) + arch.Eps).sqrt();
        return arch.NormOffset ? normed * (1 + w[weight]) : normed * w[weight];
    }

    Tensor LayerNorm(Tensor x, string name)
    {
        var centred = x - x.mean([-1], keepdim: true);
        var normed = centred / (centred.pow(2).mean([-1], keepdim: true) + arch.Eps).sqrt();
        return normed * w[name + ".weight"] + w[name + ".bias"];
    }

    Tensor Act(Tensor x) => arch.Activation switch
    {
        "silu" => x * x.sigmoid(),
        "gelu" => x * 0.5 * (1 + (x / Math.Sqrt(2)).erf()),
        "gelu_pytorch_tanh" or "gelu_new" => 0.5 * x * (1 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh()),
        var other => throw new ArgumentException($"no reference for activation '{other}'"),
    };
}
