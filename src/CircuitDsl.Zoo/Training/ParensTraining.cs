using System.Text.Json.Nodes;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Scoring;
using CircuitDsl.Zoo.Tasks;
using static CircuitDsl.Zoo.Training.Figures;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Training;

/// <summary>parens as a training task: the label (<c>balanced</c> or <c>unbalanced</c>) after END is the only target.</summary>
public sealed class ParensTraining(ParensTask task) : ITrainingTask
{
    public string Name => ParensTask.Name;
    public int VocabSize => ParensTask.VocabSize;
    public int Length => task.SequenceLength;
    public double ChanceLoss => Math.Log(2);
    public string LossDescription => "loss of the balanced/unbalanced label at END";

    public Tensor BatchLoss(HookedTransformer model, SplitMix64 random, int batchSize)
    {
        var examples = task.Generate(batchSize, random.NextUInt64());
        return AnswerObjective.MeanLoss(model, examples.Select(e => e.Tokens).ToArray(), examples.Select(e => e.Label));
    }

    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["vocab_size"] = VocabSize,
        ["length"] = Length,
        ["max_parentheses"] = task.Length,
        ["mix"] = "half balanced; the other half split evenly among equal counts going negative, unequal counts, never negative but left open",
        ["objective"] = "cross-entropy of the label at END (no other position is trained)",
    };

    public TaskEvaluation Evaluate(HookedTransformer model, int count, ulong seed)
    {
        var e = ParensScores.Evaluate(model, task.Generate(count, seed));
        var byKind = new JsonObject();
        foreach (var (kind, accuracy, n) in e.AccuracyByKind)
            byKind[Snake(kind)] = new JsonObject { ["accuracy"] = ModelCard.Round(accuracy), ["examples"] = n };
        var sections = new JsonObject
        {
            ["evaluation"] = new JsonObject
            {
                ["examples"] = e.Examples,
                ["seed"] = seed,
                ["accuracy"] = ModelCard.Round(e.Accuracy),
                ["mean_logit_diff_correct_minus_wrong"] = ModelCard.Round(e.MeanLogitDiff),
                ["answer_loss"] = ModelCard.Round(e.AnswerLoss),
                ["accuracy_by_kind"] = byKind,
            },
        };
        var summary = new List<string>
        {
            $"accuracy {F(100 * e.Accuracy)}% on {e.Examples} held-out strings, logit(correct) - logit(wrong) mean {F(e.MeanLogitDiff)}, loss {F(e.AnswerLoss)} (chance ln 2 = {F(ChanceLoss)})",
        };
        summary.AddRange(e.AccuracyByKind.Select(k => $"  {Snake(k.Kind)}: {F(100 * k.Accuracy)}% of {k.Count}"));
        return new TaskEvaluation(sections, summary);
    }

    static string Snake(ParensKind kind) => kind switch
    {
        ParensKind.Balanced => "balanced",
        ParensKind.FailsCountOnly => "fails_count_only",
        ParensKind.FailsHorizonOnly => "fails_horizon_only",
        _ => "fails_both",
    };
}
