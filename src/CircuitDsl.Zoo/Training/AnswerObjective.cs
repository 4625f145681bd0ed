using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Training;

/// <summary>The objective of tasks trained on one answer token after the prompt's last position (ioi, parens).</summary>
public static class AnswerObjective
{
    static readonly RunOptions WithGradients = new() { Gradients = true };

    /// <summary>The mean cross-entropy [] of each sequence's answer, with gradients on.</summary>
    public static Tensor MeanLoss(HookedTransformer model, IReadOnlyList<int[]> sequences, IEnumerable<int> answers) =>
        TokenBatches.AnswerLoss(model.Forward(TokenBatches.ToTensor(sequences), WithGradients), TokenBatches.Answers(answers)).mean();
}

/// <summary>How training summaries print figures.</summary>
internal static class Figures
{
    public static string F(double v) => v.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
