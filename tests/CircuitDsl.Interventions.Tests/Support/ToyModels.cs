using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Tests.Support;

/// <summary>
/// Hand-set one-layer attention-only models that compute integer sums, for Redwood's toy-graph cases. Input
/// [x0, x1, x2, 0]; at the last position head h attends (hard) to position <c>Source</c> and writes
/// <c>Coefficient · x_Source</c> into an "out" dimension; the output is logit 1 − logit 0 = out.
/// Residual: dim 0 holds the token's value, dims 1..4 the position, dim 5 the output.
/// </summary>
internal static class ToyModels
{
    public const int Length = 4;
    const int ValueDim = 0, OutDim = 5, Sharpness = 10;

    public static HookedTransformer Sum(params (int Source, double Coefficient)[] heads)
    {
        var config = new ModelConfig
        {
            Name = "toy-sum", Layers = 1, Heads = heads.Length, DModel = 8, DHead = 4, VocabSize = 32,
            ContextLength = Length, Normalization = Normalization.None,
        };
        var model = new HookedTransformer(config);
        using var _ = no_grad();
        foreach (var p in model.parameters()) p.zero_();
        for (int t = 0; t < config.VocabSize; t++) model.W_E[t, ValueDim] = t;
        for (int p = 0; p < Length; p++) model.W_pos[p, 1 + p] = 1;
        var attn = model.blocks[0].attn;
        for (int h = 0; h < heads.Length; h++)
        {
            attn.W_Q[h, 1 + Length - 1, 0] = Sharpness; // only the last position asks
            attn.W_K[h, 1 + heads[h].Source, 0] = Sharpness;
            attn.W_V[h, ValueDim, 0] = 1;
            attn.W_O[h, 0, OutDim] = (float)heads[h].Coefficient;
        }
        model.unembed["W_U"][OutDim, 1] = 1;
        return model;
    }

    /// <summary>The model's output per example: logit 1 − logit 0 at the last position.</summary>
    public static double[] Outputs(Tensor logits) =>
        (logits.select(1, Length - 1).select(1, 1) - logits.select(1, Length - 1).select(1, 0)).to(ScalarType.Float64).data<double>().ToArray();

    /// <summary>Integer inputs in [0, 10) (or from <paramref name="make"/>), labelled by <paramref name="label"/>.</summary>
    public static (Dataset Data, double[] Labels) Ints(int count, ulong seed, Func<int[], double> label, Func<Statistics.SplitMix64, int[]>? make = null)
    {
        var random = new Statistics.SplitMix64(seed);
        var examples = new List<Example>();
        var labels = new List<double>();
        for (int i = 0; i < count; i++)
        {
            var xs = make?.Invoke(random) ?? [random.Next(10), random.Next(10), random.Next(10)];
            examples.Add(new Example([xs[0], xs[1], xs[2], 0], source: $"toy #{i}"));
            labels.Add(label(xs));
        }
        return (new Dataset(examples, name: "toy ints"), labels.ToArray());
    }
}
