using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.TestSupport;

/// <summary>
/// GPT-2's forward pass written straight from the Hugging Face tensors with plain tensor ops: no hooks, no
/// HookedTransformer, no weight conversion. Tests compare the runtime against it; benchmarks use it as the
/// "plain forward". Names are HF's without the "transformer." prefix (<c>wte.weight</c>, <c>h.0.attn.c_attn.weight</c>,
/// ...). Also covers the zoo's variants: no <c>ln_*</c> tensors means no LayerNorm, no <c>mlp.*</c> tensors means
/// attention-only, <c>lm_head.weight</c> (and optional <c>lm_head.bias</c>) means an untied unembedding.
/// </summary>
public sealed class ReferenceGpt2 : IDisposable
{
    readonly IReadOnlyDictionary<string, Tensor> w;
    readonly bool ownsTensors;

    /// <param name="hfTensors">HF-named weights; the caller keeps ownership unless <paramref name="ownsTensors"/>.</param>
    /// <param name="activation">"gelu_new" (GPT-2), "gelu" or "relu".</param>
    public ReferenceGpt2(IReadOnlyDictionary<string, Tensor> hfTensors, int heads, double layerNormEpsilon = 1e-5,
        string activation = "gelu_new", bool ownsTensors = false)
    {
        w = hfTensors;
        Heads = heads;
        LayerNormEpsilon = layerNormEpsilon;
        Activation = activation;
        this.ownsTensors = ownsTensors;
        Layers = Enumerable.Range(0, int.MaxValue).TakeWhile(l => w.ContainsKey($"h.{l}.attn.c_attn.weight")).Count();
    }

    public int Heads { get; }
    public int Layers { get; }
    public double LayerNormEpsilon { get; }
    public string Activation { get; }

    /// <summary>Logits [batch, pos, vocab] for int64 tokens [batch, pos]; the caller owns the result.</summary>
    public Tensor Forward(Tensor tokens)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], positions = tokens.shape[1];
        var wte = w["wte.weight"];
        long d = wte.shape[1];
        var x = wte.index_select(0, tokens.reshape(-1)).reshape(batch, positions, d) + w["wpe.weight"].narrow(0, 0, positions);
        var future = ones(positions, positions, ScalarType.Bool).triu(1);
        for (int l = 0; l < Layers; l++)
        {
            // Each layer's temporaries are freed as soon as it ends, as any careful plain forward would.
            using var layerScope = NewDisposeScope();
            string h = $"h.{l}.";
            x = x + SelfAttention(Norm(x, h + "ln_1"), h, future);
            if (w.ContainsKey(h + "mlp.c_fc.weight"))
            {
                var hidden = Act(Norm(x, h + "ln_2").matmul(w[h + "mlp.c_fc.weight"]) + w[h + "mlp.c_fc.bias"]);
                x = x + hidden.matmul(w[h + "mlp.c_proj.weight"]) + w[h + "mlp.c_proj.bias"];
            }
            x = x.MoveToOuterDisposeScope();
        }
        x = Norm(x, "ln_f");
        var logits = w.TryGetValue("lm_head.weight", out var head) ? x.matmul(head.t()) : x.matmul(wte.t());
        if (w.TryGetValue("lm_head.bias", out var bias)) logits = logits + bias;
        return logits.MoveToOuterDisposeScope();
    }

    Tensor SelfAttention(Tensor x, string h, Tensor future)
    {
        long batch = x.shape[0], positions = x.shape[1];
        var qkv = x.matmul(w[h + "attn.c_attn.weight"]) + w[h + "attn.c_attn.bias"];
        long inner = qkv.shape[2] / 3, dHead = inner / Heads;
        // [batch, pos, inner] -> [batch, head, pos, d_head]
        Tensor SplitHeads(Tensor t) => t.reshape(batch, positions, Heads, dHead).transpose(1, 2);
        var q = SplitHeads(qkv.narrow(2, 0, inner));
        var k = SplitHeads(qkv.narrow(2, inner, inner));
        var v = SplitHeads(qkv.narrow(2, 2 * inner, inner));
        var scores = q.matmul(k.transpose(2, 3)) / Math.Sqrt(dHead);
        var weights = scores.masked_fill(future, float.NegativeInfinity).softmax(-1);
        var merged = weights.matmul(v).transpose(1, 2).reshape(batch, positions, inner);
        return merged.matmul(w[h + "attn.c_proj.weight"]) + w[h + "attn.c_proj.bias"];
    }

    Tensor Norm(Tensor x, string name)
    {
        if (!w.TryGetValue(name + ".weight", out var gain)) return x;
        var centered = x - x.mean([-1], keepdim: true);
        var variance = centered.square().mean([-1], keepdim: true);
        return centered / (variance + LayerNormEpsilon).sqrt() * gain + w[name + ".bias"];
    }

    Tensor Act(Tensor x) => Activation switch
    {
        // GPT-2's tanh approximation, spelt out rather than taken from a library.
        "gelu_new" => 0.5 * x * (1 + (Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x.pow(3))).tanh()),
        "gelu" => 0.5 * x * (1 + (x / Math.Sqrt(2)).erf()),
        "relu" => x.clamp_min(0),
        _ => throw new ArgumentException($"unknown activation '{Activation}'"),
    };

    public void Dispose()
    {
        if (!ownsTensors) return;
        foreach (var t in w.Values) t.Dispose();
    }
}
