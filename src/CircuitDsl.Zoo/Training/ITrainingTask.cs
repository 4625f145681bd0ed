using System.Text.Json.Nodes;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Training;

/// <summary>
/// A task the zoo trains a model on: where each step's batch comes from, the loss the model lowers on it, and how
/// the trained model is measured for its card.
/// </summary>
public interface ITrainingTask
{
    string Name { get; }
    int VocabSize { get; }
    /// <summary>Tokens per sequence: the model's context.</summary>
    int Length { get; }

    /// <summary>The mean loss of one batch drawn from <paramref name="random"/>, with gradients on.</summary>
    Tensor BatchLoss(HookedTransformer model, SplitMix64 random, int batchSize);

    /// <summary>The loss a uniform guess gets: the reference line of the loss plot.</summary>
    double ChanceLoss { get; }

    /// <summary>The plot's title: what the loss is measured on.</summary>
    string LossDescription { get; }

    /// <summary>The card's "task" section.</summary>
    JsonObject Describe();

    /// <summary>Measures the model on <paramref name="count"/> held-out examples from <paramref name="seed"/>.</summary>
    TaskEvaluation Evaluate(HookedTransformer model, int count, ulong seed);
}

/// <summary>
/// What a trained model achieves: the card's sections (at least "evaluation"; a task may add more, such as head
/// roles) and one line per figure for the console.
/// </summary>
public sealed record TaskEvaluation(JsonObject CardSections, IReadOnlyList<string> Summary);
