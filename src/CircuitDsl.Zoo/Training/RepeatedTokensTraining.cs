using System.Text.Json.Nodes;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Scoring;
using CircuitDsl.Zoo.Tasks;
using static CircuitDsl.Zoo.Training.Figures;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Training;

/// <summary>repeated_tokens as a training task: next-token loss everywhere; the card records each head's scores and roles.</summary>
public sealed class RepeatedTokensTraining(RepeatedTokensTask task) : ITrainingTask
{
    public const double PreviousTokenRoleThreshold = 0.5;
    public const double InductionRoleThreshold = 0.5;

    static readonly RunOptions WithGradients = new() { Gradients = true };

    public RepeatedTokensTask Task => task;
    public string Name => RepeatedTokensTask.Name;
    public int VocabSize => task.VocabSize;
    public int Length => task.Length;
    public double ChanceLoss => Math.Log(task.VocabSize);
    public string LossDescription => $"next-token loss on {task.VocabSize}-token {Name}";

    public Tensor BatchLoss(HookedTransformer model, SplitMix64 random, int batchSize)
    {
        var tokens = TokenBatches.ToTensor(task.Generate(batchSize, random.NextUInt64()));
        return TokenBatches.NextTokenLoss(model.Forward(tokens, WithGradients), tokens).mean();
    }

    public JsonObject Describe() => new()
    {
        ["name"] = Name,
        ["vocab_size"] = task.VocabSize,
        ["length"] = task.Length,
        ["prefix_length"] = $"{task.MinPrefix}..{task.MaxPrefix}, repeated to the end",
    };

    public TaskEvaluation Evaluate(HookedTransformer model, int count, ulong seed)
    {
        var evaluation = InductionScores.Evaluate(model, task.Generate(count, seed));
        var heads = new JsonArray();
        bool grouped = model.Config.KvHeads != model.Config.Heads;
        foreach (var h in evaluation.Heads)
        {
            var head = new JsonObject
            {
                ["head"] = h.Label,
                ["previous_token_score"] = ModelCard.Round(h.PreviousToken),
                ["induction_score"] = ModelCard.Round(h.Induction),
                ["two_back_score"] = ModelCard.Round(h.TwoBack),
            };
            // Under grouped-query attention a head's keys and values are its group's: say which group it reads.
            if (grouped) head["key_value_head"] = model.Config.KvHeadOf(h.Head);
            heads.Add(head);
        }
        var sections = new JsonObject
        {
            ["evaluation"] = new JsonObject
            {
                ["examples"] = evaluation.Examples,
                ["seed"] = seed,
                ["repeated_loss"] = ModelCard.Round(evaluation.RepeatedLoss),
                ["first_occurrence_loss"] = ModelCard.Round(evaluation.FirstOccurrenceLoss),
                ["uniform_loss"] = ModelCard.Round(evaluation.UniformLoss),
            },
            ["heads"] = heads,
            ["roles"] = new JsonObject
            {
                ["previous_token"] = Labels(evaluation.Heads.Where(h => h.PreviousToken > PreviousTokenRoleThreshold)),
                ["induction"] = Labels(evaluation.Heads.Where(h => h.Induction > InductionRoleThreshold)),
                ["rule"] = $"a head holds a role when its score exceeds {PreviousTokenRoleThreshold} (scores in 'heads')",
            },
        };
        var summary = new List<string>
        {
            $"repeated loss {F(evaluation.RepeatedLoss)}, first-occurrence loss {F(evaluation.FirstOccurrenceLoss)} (ln V = {F(evaluation.UniformLoss)})",
        };
        summary.AddRange(evaluation.Heads.Select(h => $"  {h.Label}  previous-token {F(h.PreviousToken)}  induction {F(h.Induction)}  two-back {F(h.TwoBack)}"));
        return new TaskEvaluation(sections, summary);
    }

    static JsonArray Labels(IEnumerable<HeadScore> heads) => new(heads.Select(h => (JsonNode)JsonValue.Create(h.Label)!).ToArray());
}
