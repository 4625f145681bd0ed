using System.Text.Json.Nodes;

namespace CircuitDsl.Zoo.Training;

/// <summary>
/// The model card written beside a trained model: what it was trained on and how, and what it achieves as measured
/// on held-out examples (with any task-specific sections, such as head roles, measured rather than assumed).
/// </summary>
public static class ModelCard
{
    public static JsonObject Build(ZooRecipe recipe, TaskEvaluation evaluation, IReadOnlyList<LossPoint> curve)
    {
        var card = new JsonObject
        {
            ["name"] = recipe.Name,
            ["purpose"] = recipe.Purpose,
            ["task"] = recipe.Task.Describe(),
            ["training"] = new JsonObject
            {
                ["steps"] = recipe.Settings.Steps,
                ["batch_size"] = recipe.Settings.BatchSize,
                ["optimizer"] = "Adam",
                ["learning_rate"] = recipe.Settings.LearningRate,
                ["weight_decay"] = recipe.Settings.WeightDecay,
                ["seed"] = recipe.Settings.Seed,
                ["init"] = recipe.Settings.Init.ToString(),
                ["threads"] = recipe.Settings.Threads,
                ["final_training_loss"] = Round(curve[^1].Loss),
                ["reproducibility"] = "Retraining with the same seed and thread count on the same CPU kind gives the same weights; "
                    + "another thread count or CPU may change float reduction order, hence the last bits of the weights.",
            },
        };
        if (!recipe.Settings.Biases)
            card["training"]!["biases"] = "none: every bias stays at zero";
        foreach (var (key, value) in evaluation.CardSections)
            card[key] = value?.DeepClone();
        return card;
    }

    public static double Round(double v) => Math.Round(v, 4);
}
