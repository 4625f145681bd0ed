using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Scoring;

/// <summary>Which of Chan et al.'s two tests a parenthesis string fails; the kinds a classifier must all get right.</summary>
public enum ParensKind { Balanced, FailsCountOnly, FailsHorizonOnly, FailsBoth }

/// <summary>How a model classifies parenthesis strings, read at END.</summary>
/// <param name="Accuracy">Share of strings whose <c>balanced</c>/<c>unbalanced</c> logit comparison is right.</param>
/// <param name="MeanLogitDiff">Mean of logit(correct label) - logit(wrong label).</param>
/// <param name="AccuracyByKind">Accuracy and count per kind of string.</param>
public sealed record ParensEvaluation(
    double Accuracy, double MeanLogitDiff, double AnswerLoss, int Examples,
    IReadOnlyList<(ParensKind Kind, double Accuracy, int Count)> AccuracyByKind);

public static class ParensScores
{
    public static ParensKind KindOf(ParensExample e) => (e.EqualCount, e.NeverNegative) switch
    {
        (true, true) => ParensKind.Balanced,
        (false, true) => ParensKind.FailsCountOnly,
        (true, false) => ParensKind.FailsHorizonOnly,
        _ => ParensKind.FailsBoth,
    };

    public static ParensEvaluation Evaluate(HookedTransformer model, IReadOnlyList<ParensExample> examples)
    {
        using var scope = NewDisposeScope();
        var logits = model.Forward(TokenBatches.ToTensor(examples.Select(e => e.Tokens).ToArray()));
        var (diff, loss) = AnswerScores.Measure(logits, examples.Select(e => e.Label), examples.Select(e => e.WrongLabel));

        var byKind = examples.Select((e, i) => (Kind: KindOf(e), Right: diff[i] > 0))
            .GroupBy(p => p.Kind)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.Average(p => p.Right ? 1.0 : 0.0), g.Count()))
            .ToArray();
        return new ParensEvaluation(diff.Average(d => d > 0 ? 1.0 : 0.0), diff.Average(d => (double)d), loss, examples.Count, byKind);
    }
}
