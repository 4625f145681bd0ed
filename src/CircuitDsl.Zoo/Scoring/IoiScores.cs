using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Scoring;

/// <summary>How a model does on IOI prompts, read at END.</summary>
/// <param name="MeanLogitDiff">Mean of logit(IO) - logit(S).</param>
/// <param name="PositiveFraction">Share of prompts whose IO - S logit difference is above zero.</param>
/// <param name="Accuracy">Share of prompts whose top token over the whole vocabulary is IO.</param>
/// <param name="AnswerLoss">Mean cross-entropy of IO.</param>
/// <param name="PositiveFractionByTemplate">The positive share per template, in template order.</param>
public sealed record IoiEvaluation(
    double MeanLogitDiff, double PositiveFraction, double Accuracy, double AnswerLoss, int Examples,
    IReadOnlyList<(string Template, double PositiveFraction)> PositiveFractionByTemplate,
    IReadOnlyList<IoiHeadAttention> Heads);

/// <summary>Mean attention of one head from END to the three name positions: what name movers are known by.</summary>
public sealed record IoiHeadAttention(int Layer, int Head, double ToIo, double ToS1, double ToS2)
{
    public string Label => $"L{Layer}.H{Head}";
}

public static class IoiScores
{
    public static IoiEvaluation Evaluate(HookedTransformer model, IReadOnlyList<IoiExample> examples)
    {
        using var scope = NewDisposeScope();
        var (logits, cache) = model.RunWithCache(TokenBatches.ToTensor(examples.Select(e => e.Tokens).ToArray()),
            name => name.EndsWith("attn.hook_pattern", StringComparison.Ordinal));
        using var _ = cache;
        var (diff, loss) = AnswerScores.Measure(logits, examples.Select(e => e.IndirectObjectToken), examples.Select(e => e.SubjectToken));
        var top = logits.select(1, -1).argmax(-1).data<long>().ToArray();

        var byTemplate = examples.Select((e, i) => (e.Template.Name, Positive: diff[i] > 0))
            .GroupBy(p => p.Name)
            .OrderBy(g => IoiTemplates.All.ToList().FindIndex(t => t.Name == g.Key))
            .Select(g => (g.Key, g.Average(p => p.Positive ? 1.0 : 0.0)))
            .ToArray();
        return new IoiEvaluation(
            diff.Average(d => (double)d),
            diff.Average(d => d > 0 ? 1.0 : 0.0),
            examples.Select((e, i) => top[i] == e.IndirectObjectToken ? 1.0 : 0.0).Average(),
            loss, examples.Count, byTemplate, HeadAttention(model, cache, examples));
    }

    static IReadOnlyList<IoiHeadAttention> HeadAttention(HookedTransformer model, Runtime.Hooks.ActivationCache cache, IReadOnlyList<IoiExample> examples)
    {
        Tensor At(Func<IoiExample, int> position) => TokenBatches.Answers(examples.Select(position)).view(-1, 1, 1);
        var io = At(e => e.IoPosition);
        var s1 = At(e => e.S1Position);
        var s2 = At(e => e.S2Position);
        var heads = new List<IoiHeadAttention>();
        for (int l = 0; l < model.Config.Layers; l++)
        {
            var fromEnd = cache[model.Hooks.Layers[l].Pattern].select(2, -1); // [batch, head, key]
            double Mean(Tensor position, int h) => fromEnd.gather(-1, position.expand(-1, fromEnd.shape[1], 1))[.., h].mean().item<float>();
            for (int h = 0; h < model.Config.Heads; h++)
                heads.Add(new IoiHeadAttention(l, h, Mean(io, h), Mean(s1, h), Mean(s2, h)));
        }
        return heads;
    }
}
