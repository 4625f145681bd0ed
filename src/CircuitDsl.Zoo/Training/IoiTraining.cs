using System.Text.Json.Nodes;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Scoring;
using CircuitDsl.Zoo.Tasks;
using static CircuitDsl.Zoo.Training.Figures;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Training;

/// <summary>
/// ioi as a training task: the model reads the prompt and is trained on one token only, the indirect object after
/// END, so whatever it learns serves that answer.
/// </summary>
public sealed class IoiTraining(IoiTask task) : ITrainingTask
{
    public string Name => IoiTask.Name;
    public int VocabSize => IoiVocabulary.Size;
    public int Length => IoiTemplates.PromptLength;
    public double ChanceLoss => Math.Log(IoiVocabulary.Names.Count);
    public string LossDescription => "loss of the indirect object at END";

    public Tensor BatchLoss(HookedTransformer model, SplitMix64 random, int batchSize)
    {
        var examples = task.Generate(batchSize, random.NextUInt64());
        return AnswerObjective.MeanLoss(model, examples.Select(e => e.Tokens).ToArray(), examples.Select(e => e.IndirectObjectToken));
    }

    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["vocab_size"] = VocabSize,
        ["length"] = Length,
        ["templates"] = new JsonArray(task.Templates.Select(t => (JsonNode)JsonValue.Create(t.Name)!).ToArray()),
        ["names"] = IoiVocabulary.Names.Count,
        ["objective"] = "cross-entropy of the indirect object at END (no other position is trained)",
    };

    public TaskEvaluation Evaluate(HookedTransformer model, int count, ulong seed)
    {
        var e = IoiScores.Evaluate(model, task.Generate(count, seed));
        var byTemplate = new JsonObject();
        foreach (var (template, fraction) in e.PositiveFractionByTemplate) byTemplate[template] = ModelCard.Round(fraction);
        var heads = new JsonArray();
        foreach (var h in e.Heads)
            heads.Add(new JsonObject
            {
                ["head"] = h.Label,
                ["attention_end_to_io"] = ModelCard.Round(h.ToIo),
                ["attention_end_to_s1"] = ModelCard.Round(h.ToS1),
                ["attention_end_to_s2"] = ModelCard.Round(h.ToS2),
            });
        var sections = new JsonObject
        {
            ["evaluation"] = new JsonObject
            {
                ["examples"] = e.Examples,
                ["seed"] = seed,
                ["mean_logit_diff_io_minus_s"] = ModelCard.Round(e.MeanLogitDiff),
                ["logit_diff_positive_fraction"] = ModelCard.Round(e.PositiveFraction),
                ["top1_accuracy"] = ModelCard.Round(e.Accuracy),
                ["answer_loss"] = ModelCard.Round(e.AnswerLoss),
                ["logit_diff_positive_fraction_by_template"] = byTemplate,
            },
            ["heads"] = heads,
        };
        var summary = new List<string>
        {
            $"logit(IO) - logit(S) at END: mean {F(e.MeanLogitDiff)}, positive on {F(100 * e.PositiveFraction)}% of {e.Examples} held-out prompts",
            $"  top-1 accuracy {F(100 * e.Accuracy)}%, answer loss {F(e.AnswerLoss)} (chance ln {IoiVocabulary.Names.Count} = {F(ChanceLoss)})",
        };
        summary.AddRange(e.Heads.Select(h => $"  {h.Label}  attention from END to IO {F(h.ToIo)}, S1 {F(h.ToS1)}, S2 {F(h.ToS2)}"));
        return new TaskEvaluation(sections, summary);
    }
}
