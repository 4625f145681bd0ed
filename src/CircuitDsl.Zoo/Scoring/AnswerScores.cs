using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Scoring;

/// <summary>How a model scores a task's two answers after the last position (ioi: IO and S; parens: the two labels).</summary>
public static class AnswerScores
{
    /// <summary>Per example, logit(correct) - logit(wrong) at the last position; and the mean cross-entropy of the correct answer.</summary>
    public static (float[] LogitDiff, double AnswerLoss) Measure(Tensor logits, IEnumerable<int> correct, IEnumerable<int> wrong)
    {
        var end = logits.select(1, -1);
        var right = TokenBatches.Answers(correct);
        var other = TokenBatches.Answers(wrong);
        var diff = (end.gather(-1, right.unsqueeze(-1)) - end.gather(-1, other.unsqueeze(-1))).squeeze(-1).data<float>().ToArray();
        return (diff, TokenBatches.AnswerLoss(logits, right).mean().item<float>());
    }
}
