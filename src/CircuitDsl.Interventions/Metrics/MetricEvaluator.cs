using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Metrics;

/// <summary>Computes a metric per example from a run's logits, always against the reference examples' labels.</summary>
public static class MetricEvaluator
{
    /// <summary>
    /// Per-example (sum, count) of the metric over its positions. <paramref name="modelLogits"/> (the unmodified
    /// run on the same references) is needed only for KL.
    /// </summary>
    public static (double[] Sums, int[] Counts) Evaluate(MetricSpec metric, Tensor logits, IReadOnlyList<Example> references, Tensor? modelLogits = null)
    {
        using var scope = NewDisposeScope();
        int length = (int)logits.shape[1];
        var mask = ComponentHooks.PositionMask(metric.Positions, references, length);
        var values = PerPosition(metric, logits, references, modelLogits, ref mask);
        var maskF = mask.to(ScalarType.Float64);
        var sums = (values.to(ScalarType.Float64) * maskF).sum(1).data<double>().ToArray();
        var counts = maskF.sum(1).data<double>().Select(c => (int)c).ToArray();
        return (sums, counts);
    }

    static Tensor PerPosition(MetricSpec metric, Tensor logits, IReadOnlyList<Example> references, Tensor? modelLogits, ref Tensor mask)
    {
        int batch = references.Count, length = (int)logits.shape[1];
        switch (metric.Kind)
        {
            case MetricKind.Loss:
            {
                // Position p predicts token p + 1; the last position has no label.
                var next = NextTokens(references, length);
                mask = mask & (next >= 0);
                var logProbs = logits.log_softmax(-1);
                return -logProbs.gather(-1, next.clamp_min(0).unsqueeze(-1)).squeeze(-1);
            }
            case MetricKind.LogitDiff:
            {
                var (answer, wrong) = Answers(references, needWrong: true);
                var a = logits.gather(-1, answer.view(batch, 1, 1).expand(batch, length, 1)).squeeze(-1);
                var w = logits.gather(-1, wrong!.view(batch, 1, 1).expand(batch, length, 1)).squeeze(-1);
                return a - w;
            }
            case MetricKind.KL:
            {
                if (modelLogits is null) throw new InvalidOperationException("KL needs the model's own logits");
                var p = modelLogits.log_softmax(-1);
                var q = logits.log_softmax(-1);
                return (p.exp() * (p - q)).sum(-1);
            }
            case MetricKind.Accuracy:
            {
                var target = Targets(references, length);
                mask = mask & (target >= 0);
                return (logits.argmax(-1) == target).to(ScalarType.Float32);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric.Kind, "unknown metric");
        }
    }

    /// <summary>Token p + 1 at each position p, or -1 at the last position.</summary>
    public static Tensor NextTokens(IReadOnlyList<Example> references, int length)
    {
        var next = new long[references.Count * length];
        for (int i = 0; i < references.Count; i++)
            for (int p = 0; p < length; p++)
                next[i * length + p] = p + 1 < length ? references[i].Tokens[p + 1] : -1;
        return tensor(next, [references.Count, length]);
    }

    /// <summary>The target of accuracy and agreement: the answer where the example has one, else the next token.</summary>
    public static Tensor Targets(IReadOnlyList<Example> references, int length)
    {
        if (references.All(r => r.Answer is not null))
        {
            var (answer, _) = Answers(references, needWrong: false);
            return answer.view(references.Count, 1).expand(references.Count, length).clone();
        }
        return NextTokens(references, length);
    }

    internal static (Tensor Answer, Tensor? Wrong) Answers(IReadOnlyList<Example> references, bool needWrong)
    {
        foreach (var r in references)
            if (r.Answer is null || (needWrong && r.WrongAnswer is null))
                throw new InvalidOperationException($"{r.Source ?? "an example"} has no answer{(needWrong ? " and wrong answer" : "")}; logit_diff needs both");
        var answer = tensor(references.Select(r => (long)r.Answer!.Value).ToArray());
        var wrong = needWrong ? tensor(references.Select(r => (long)r.WrongAnswer!.Value).ToArray()) : null;
        return (answer, wrong);
    }
}
