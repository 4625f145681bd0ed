using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;

namespace CircuitDsl.Zoo.Training;

/// <summary>Trains a zoo recipe, measures it, and writes the model folder with its card and loss curve.</summary>
public static class ZooTrainer
{
    /// <summary>Evaluation examples come from their own seed, never from a training step's.</summary>
    public const ulong EvaluationSeed = 1_000_003;
    public const int EvaluationExamples = 512;
    public const string LossCsvFile = "loss.csv";
    public const string LossPlotFile = "loss.svg";

    public static TaskEvaluation TrainAndSave(ZooRecipe recipe, string outDir, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        var task = recipe.Task;
        using var model = new HookedTransformer(recipe.Config);
        var curve = Trainer.Train(model, (random, batch) => task.BatchLoss(model, random, batch), recipe.Settings, progress, cancellation);
        var evaluation = task.Evaluate(model, EvaluationExamples, EvaluationSeed);

        var card = ModelCard.Build(recipe, evaluation, curve);
        ModelFolder.Save(model, outDir, TokenizerSpec.Integer(task.VocabSize), card, overwrite: true);
        File.WriteAllText(Path.Combine(outDir, LossCsvFile), LossPlot.ToCsv(curve));
        File.WriteAllText(Path.Combine(outDir, LossPlotFile), LossPlot.ToSvg(curve, $"{recipe.Name}: {task.LossDescription}", task.ChanceLoss));
        return evaluation;
    }
}
