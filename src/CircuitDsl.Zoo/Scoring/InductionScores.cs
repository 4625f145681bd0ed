using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Scoring;

/// <summary>
/// Attention-pattern scores of one head (TransformerLens's head detector, "mul" form), and the attention two
/// positions back (the second token of a bigram an induction head can match on).
/// </summary>
public sealed record HeadScore(int Layer, int Head, double PreviousToken, double Induction, double TwoBack)
{
    public string Label => $"L{Layer}.H{Head}";
}

/// <summary>How a model does on repeated tokens, and what each of its heads attends to.</summary>
public sealed record RepeatedTokensEvaluation(
    double RepeatedLoss, double FirstOccurrenceLoss, double UniformLoss, int Examples, IReadOnlyList<HeadScore> Heads);

public static class InductionScores
{
    /// <summary>
    /// Previous-token score: mean attention from each position to the one before it.
    /// Induction score: mean attention to every earlier position whose previous token equals the current
    /// token (in periodic data every earlier copy predicts the same next token), over the positions that have
    /// such an earlier copy. Two-back score: mean attention from each position to the one two before it.
    /// </summary>
    public static RepeatedTokensEvaluation Evaluate(HookedTransformer model, IReadOnlyList<RepeatedTokensExample> examples)
    {
        using var scope = NewDisposeScope();
        var tokens = TokenBatches.ToTensor(examples);
        var (logits, cache) = model.RunWithCache(tokens, name => name.EndsWith("attn.hook_pattern", StringComparison.Ordinal));
        using (cache)
        {
            var losses = TokenBatches.NextTokenLoss(logits, tokens);
            var (repeatedMask, firstMask) = PositionMasks(examples, (int)losses.shape[1]);
            double repeated = losses.masked_select(repeatedMask).mean().item<float>();
            double first = losses.masked_select(firstMask).mean().item<float>();

            var (previousTokenTarget, twoBackTarget, inductionTarget, inductionRows) = Targets(examples);
            var heads = new List<HeadScore>();
            for (int l = 0; l < model.Config.Layers; l++)
            {
                var pattern = cache[model.Hooks.Layers[l].Pattern]; // [batch, head, q, k]
                var previous = (pattern * previousTokenTarget.unsqueeze(1)).sum([-1, -2]) / (tokens.shape[1] - 1);
                var twoBack = (pattern * twoBackTarget.unsqueeze(1)).sum([-1, -2]) / (tokens.shape[1] - 2);
                var induction = (pattern * inductionTarget.unsqueeze(1)).sum([-1, -2]) / inductionRows.unsqueeze(1);
                for (int h = 0; h < model.Config.Heads; h++)
                    heads.Add(new HeadScore(l, h, previous[.., h].mean().item<float>(), induction[.., h].mean().item<float>(),
                        twoBack[.., h].mean().item<float>()));
            }
            return new RepeatedTokensEvaluation(repeated, first, Math.Log(model.Config.VocabSize), examples.Count, heads);
        }
    }

    static (Tensor Repeated, Tensor First) PositionMasks(IReadOnlyList<RepeatedTokensExample> examples, int positions)
    {
        var repeated = new bool[examples.Count * positions];
        var first = new bool[examples.Count * positions];
        for (int i = 0; i < examples.Count; i++)
            for (int p = 0; p < positions; p++)
            {
                repeated[i * positions + p] = examples[i].IsRepeated(p);
                first[i * positions + p] = examples[i].IsFirstOccurrence(p);
            }
        return (tensor(repeated, [examples.Count, positions]), tensor(first, [examples.Count, positions]));
    }

    /// <summary>Target patterns [batch, q, k] for the scores, and the number of rows the induction score averages.</summary>
    static (Tensor PreviousToken, Tensor TwoBack, Tensor Induction, Tensor InductionRows) Targets(IReadOnlyList<RepeatedTokensExample> examples)
    {
        int n = examples.Count, length = examples[0].Tokens.Length;
        var previous = new float[n * length * length];
        var twoBack = new float[n * length * length];
        var induction = new float[n * length * length];
        var rows = new float[n];
        for (int i = 0; i < n; i++)
        {
            var t = examples[i].Tokens;
            for (int q = 1; q < length; q++)
            {
                previous[(i * length + q) * length + q - 1] = 1;
                if (q >= 2) twoBack[(i * length + q) * length + q - 2] = 1;
                bool any = false;
                for (int k = 1; k <= q; k++)
                    if (t[k - 1] == t[q] && k - 1 < q)
                    {
                        induction[(i * length + q) * length + k] = 1;
                        any = true;
                    }
                if (any) rows[i]++;
            }
        }
        return (tensor(previous, [n, length, length]), tensor(twoBack, [n, length, length]), tensor(induction, [n, length, length]), tensor(rows).clamp_min(1));
    }
}
