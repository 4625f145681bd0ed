using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Model;

/// <summary>
/// A decoder forward written as plain loops in double precision over the model's parameters, straight from the
/// formulas (anchors-architectures §1–2): no tensor op of the runtime, no einsum, no hooks. It reads every setting of
/// <see cref="ModelConfig"/> on its own, so a runtime that ignores one (a window, a soft-cap, the kv-head mapping,
/// the rotated half) disagrees with it. One sequence at a time; sizes are tiny.
/// </summary>
internal sealed class LoopReferenceDecoder
{
    readonly ModelConfig c;
    readonly Dictionary<string, double[]> p;

    public LoopReferenceDecoder(HookedTransformer model)
    {
        c = model.Config;
        p = model.named_parameters().ToDictionary(x => x.name, x => x.parameter.to(ScalarType.Float64).data<double>().ToArray());
    }

    /// <summary>Logits [pos, vocab] of one sequence.</summary>
    public double[][] Logits(long[] tokens)
    {
        int T = tokens.Length, d = c.DModel;
        var x = new double[T][];
        for (int t = 0; t < T; t++)
        {
            x[t] = new double[d];
            for (int i = 0; i < d; i++)
            {
                x[t][i] = p["embed.W_E"][tokens[t] * d + i] * c.EmbeddingScale;
                if (!c.IsRotary) x[t][i] += p["pos_embed.W_pos"][t * d + i];
            }
        }
        for (int l = 0; l < c.Layers; l++) x = Block(l, x);
        var logits = new double[T][];
        for (int t = 0; t < T; t++)
        {
            var h = Norm("ln_final", x[t]);
            logits[t] = new double[c.VocabSize];
            for (int v = 0; v < c.VocabSize; v++)
            {
                double s = p["unembed.b_U"][v];
                for (int i = 0; i < d; i++)
                    s += h[i] * (c.TiedUnembedding ? p["embed.W_E"][v * d + i] : p["unembed.W_U"][i * c.VocabSize + v]);
                logits[t][v] = c.LogitSoftCap is { } cap ? cap * Math.Tanh(s / cap) : s;
            }
        }
        return logits;
    }

    double[][] Block(int l, double[][] x)
    {
        string b = $"blocks.{l}.";
        int T = x.Length;
        var attn = Attention(l, x.Select(row => Norm(b + "ln1", row)).ToArray());
        if (c.SandwichNorms) attn = attn.Select(row => Norm(b + "ln1_post", row)).ToArray();
        var next = new double[T][];
        for (int t = 0; t < T; t++)
        {
            var mid = Add(x[t], attn[t]);
            if (!c.HasMlp) { next[t] = mid; continue; }
            var mlp = Mlp(b, Norm(b + "ln2", c.ParallelResidual ? x[t] : mid));
            if (c.SandwichNorms) mlp = Norm(b + "ln2_post", mlp);
            next[t] = Add(mid, mlp);
        }
        return next;
    }

    double[][] Attention(int l, double[][] x)
    {
        string a = $"blocks.{l}.attn.";
        int T = x.Length, H = c.Heads, K = c.KvHeads, dh = c.DHead, d = c.DModel;
        var output = x.Select(_ => (double[])p[a + "b_O"].Clone()).ToArray();
        for (int h = 0; h < H; h++)
        {
            int g = h / (H / K); // the key/value head query head h reads
            var q = new double[T][];
            for (int t = 0; t < T; t++) q[t] = Rotate(Project(x[t], a + "W_Q", a + "b_Q", h), t);
            var k = new double[T][];
            var v = new double[T][];
            for (int s = 0; s < T; s++)
            {
                k[s] = Rotate(Project(x[s], a + "W_K", a + "b_K", g), s);
                v[s] = Project(x[s], a + "W_V", a + "b_V", g);
            }
            for (int t = 0; t < T; t++)
            {
                var weights = new double[t + 1];
                for (int s = 0; s <= t; s++)
                {
                    double score = 0;
                    for (int e = 0; e < dh; e++) score += q[t][e] * k[s][e];
                    score *= c.AttentionScale ?? 1 / Math.Sqrt(dh);
                    if (c.AttentionSoftCap is { } cap) score = cap * Math.Tanh(score / cap);
                    bool outside = c.WindowOf(l) is { } w && t - s >= w;
                    weights[s] = outside ? double.NegativeInfinity : score;
                }
                double max = weights.Max(), total = weights.Sum(w => Math.Exp(w - max));
                var z = new double[dh];
                for (int s = 0; s <= t; s++)
                    for (int e = 0; e < dh; e++) z[e] += Math.Exp(weights[s] - max) / total * v[s][e];
                for (int m = 0; m < d; m++)
                    for (int e = 0; e < dh; e++) output[t][m] += z[e] * p[a + "W_O"][(h * dh + e) * d + m];
            }
        }
        return output;
    }

    /// <summary>Head <paramref name="head"/>'s projection x·W[head] + b[head] with W [heads, d_model, d_head].</summary>
    double[] Project(double[] x, string weight, string bias, int head)
    {
        int d = c.DModel, dh = c.DHead;
        var y = new double[dh];
        for (int e = 0; e < dh; e++)
        {
            double s = p[bias][head * dh + e];
            for (int m = 0; m < d; m++) s += x[m] * p[weight][(head * d + m) * dh + e];
            y[e] = s;
        }
        return y;
    }

    /// <summary>Rotate-half RoPE at position t on the first r dimensions; identity without rotary.</summary>
    double[] Rotate(double[] u, int t)
    {
        int r = c.RotaryDimensions, half = r / 2;
        if (r == 0) return u;
        var y = (double[])u.Clone();
        for (int j = 0; j < half; j++)
        {
            double angle = t * Frequency(j, r);
            y[j] = u[j] * Math.Cos(angle) - u[j + half] * Math.Sin(angle);
            y[j + half] = u[j + half] * Math.Cos(angle) + u[j] * Math.Sin(angle);
        }
        return y;
    }

    double Frequency(int j, int r)
    {
        double inv = Math.Pow(c.RotaryBase, -2.0 * j / r);
        if (c.RopeScaling is not { } s) return inv;
        double wavelength = 2 * Math.PI / inv, L = s.OriginalContextLength;
        if (wavelength < L / s.HighFreqFactor) return inv;
        if (wavelength > L / s.LowFreqFactor) return inv / s.Factor;
        double smooth = (L / wavelength - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        return (1 - smooth) * inv / s.Factor + smooth * inv;
    }

    double[] Mlp(string b, double[] x)
    {
        int d = c.DModel, n = c.DMlp;
        var hidden = new double[n];
        for (int j = 0; j < n; j++)
        {
            double up = p[b + "mlp.b_in"][j];
            for (int i = 0; i < d; i++) up += x[i] * p[b + "mlp.W_in"][i * n + j];
            if (c.GatedMlp)
            {
                double gate = 0;
                for (int i = 0; i < d; i++) gate += x[i] * p[b + "mlp.W_gate"][i * n + j];
                hidden[j] = Act(gate) * up;
            }
            else hidden[j] = Act(up);
        }
        var y = (double[])p[b + "mlp.b_out"].Clone();
        for (int i = 0; i < d; i++)
            for (int j = 0; j < n; j++) y[i] += hidden[j] * p[b + "mlp.W_out"][j * d + i];
        return y;
    }

    double Act(double z) => c.Activation switch
    {
        Activation.Silu => z / (1 + Math.Exp(-z)),
        Activation.Relu => Math.Max(0, z),
        Activation.GeluNew => 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z))),
        _ => throw new NotSupportedException($"the loop reference has no {c.Activation}"),
    };

    double[] Norm(string name, double[] x)
    {
        if (!c.HasNormalization) return x;
        int d = x.Length;
        bool layerNorm = c.Normalization == Normalization.LayerNorm;
        double mean = layerNorm ? x.Average() : 0;
        double variance = x.Sum(v => (v - mean) * (v - mean)) / d;
        var y = new double[d];
        for (int i = 0; i < d; i++)
            y[i] = (x[i] - mean) / Math.Sqrt(variance + c.LayerNormEpsilon) * p[name + ".w"][i] + (layerNorm ? p[name + ".b"][i] : 0);
        return y;
    }

    static double[] Add(double[] a, double[] b) => a.Select((v, i) => v + b[i]).ToArray();
}
