using System.Text.Json.Nodes;
using CircuitDsl.Zoo.Scoring;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Training;

/// <summary>
/// The model card written beside a trained model: what it was trained on and how, how well it does, and which
/// heads carry which role, as measured by the head scores (not assumed).
/// </summary>
public static class ModelCard
{
    public const double PreviousTokenRoleThreshold = 0.5;
    public const double InductionRoleThreshold = 0.5;

    public static JsonObject Build(ZooRecipe recipe, RepeatedTokensTask task, RepeatedTokensEvaluation evaluation, IReadOnlyList<LossPoint> curve)
    {
        var heads = new JsonArray();
        foreach (var h in evaluation.Heads)
            heads.Add(new JsonObject
            {
                ["head"] = h.Label,
                ["previous_token_score"] = Round(h.PreviousToken),
                ["induction_score"] = Round(h.Induction),
            });
        return new JsonObject
        {
            ["name"] = recipe.Name,
            ["purpose"] = recipe.Purpose,
            ["task"] = new JsonObject
            {
                ["name"] = recipe.Task,
                ["vocab_size"] = task.VocabSize,
                ["length"] = task.Length,
                ["prefix_length"] = $"{task.MinPrefix}..{task.MaxPrefix}, repeated to the end",
            },
            ["training"] = new JsonObject
            {
                ["steps"] = recipe.Settings.Steps,
                ["batch_size"] = recipe.Settings.BatchSize,
                ["optimizer"] = "Adam",
                ["learning_rate"] = recipe.Settings.LearningRate,
                ["seed"] = recipe.Settings.Seed,
                ["init"] = recipe.Settings.Init.ToString(),
                ["threads"] = recipe.Settings.Threads,
                ["final_training_loss"] = Round(curve[^1].Loss),
                ["reproducibility"] = "Retraining with the same seed and thread count on the same CPU kind gives the same weights; "
                    + "another thread count or CPU may change float reduction order, hence the last bits of the weights.",
            },
            ["evaluation"] = new JsonObject
            {
                ["examples"] = evaluation.Examples,
                ["seed"] = ZooTrainer.EvaluationSeed,
                ["repeated_loss"] = Round(evaluation.RepeatedLoss),
                ["first_occurrence_loss"] = Round(evaluation.FirstOccurrenceLoss),
                ["uniform_loss"] = Round(evaluation.UniformLoss),
            },
            ["heads"] = heads,
            ["roles"] = new JsonObject
            {
                ["previous_token"] = Labels(evaluation.Heads.Where(h => h.PreviousToken > PreviousTokenRoleThreshold)),
                ["induction"] = Labels(evaluation.Heads.Where(h => h.Induction > InductionRoleThreshold)),
                ["rule"] = $"a head holds a role when its score exceeds {PreviousTokenRoleThreshold} (scores in 'heads')",
            },
        };
    }

    static JsonArray Labels(IEnumerable<HeadScore> heads) => new(heads.Select(h => (JsonNode)JsonValue.Create(h.Label)!).ToArray());

    static double Round(double v) => Math.Round(v, 4);
}
