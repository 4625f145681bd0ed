using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>Turns examples into the [batch, pos] int64 tensors the model reads.</summary>
public static class TokenBatches
{
    public static Tensor ToTensor(IReadOnlyList<int[]> sequences)
    {
        if (sequences.Count == 0) throw new ArgumentException("no sequences");
        int length = sequences[0].Length;
        var flat = new long[sequences.Count * length];
        for (int i = 0; i < sequences.Count; i++)
        {
            if (sequences[i].Length != length)
                throw new ArgumentException($"sequence {i} has {sequences[i].Length} tokens, sequence 0 has {length}");
            for (int t = 0; t < length; t++) flat[i * length + t] = sequences[i][t];
        }
        return tensor(flat, [sequences.Count, length]);
    }

    public static Tensor ToTensor(IReadOnlyList<RepeatedTokensExample> examples) =>
        ToTensor(examples.Select(e => e.Tokens).ToArray());

    /// <summary>Per-position next-token cross-entropy [batch, pos - 1] (position p predicts token p + 1).</summary>
    public static Tensor NextTokenLoss(Tensor logits, Tensor tokens)
    {
        var predictions = logits.narrow(1, 0, logits.shape[1] - 1);
        var targets = tokens.narrow(1, 1, tokens.shape[1] - 1);
        var logProbs = predictions.log_softmax(-1);
        return -logProbs.gather(-1, targets.unsqueeze(-1)).squeeze(-1);
    }

    /// <summary>Per-example cross-entropy [batch] of the token that follows the last position (the task's answer).</summary>
    public static Tensor AnswerLoss(Tensor logits, Tensor answers) =>
        -logits.select(1, -1).log_softmax(-1).gather(-1, answers.unsqueeze(-1)).squeeze(-1);

    /// <summary>The int64 [batch] tensor of answer tokens.</summary>
    public static Tensor Answers(IEnumerable<int> answers) => tensor(answers.Select(a => (long)a).ToArray());
}
