using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Zoo.Training;

/// <summary>
/// Training with Adam, deterministic from the settings' seed: the weights are initialised from it, and each step's
/// batch is drawn from a generator seeded by (seed, step).
/// </summary>
public static class Trainer
{
    /// <param name="batchLoss">The mean loss [] of a step's batch of the given size, from the step's own generator.</param>
    public static IReadOnlyList<LossPoint> Train(
        HookedTransformer model,
        Func<SplitMix64, int, Tensor> batchLoss,
        TrainingSettings settings,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        set_num_threads(settings.Threads);
        model.InitializeWeights((long)settings.Seed, settings.Init);
        model.train();
        var trained = new List<TorchSharp.Modules.Parameter>();
        foreach (var (name, p) in model.named_parameters())
        {
            if (settings.Biases || !IsBias(name)) trained.Add(p);
            else p.requires_grad_(false); // stays at its initial zero
        }
        using var optimizer = optim.Adam(trained, lr: settings.LearningRate, weight_decay: settings.WeightDecay);
        var curve = new List<LossPoint>();
        double window = 0;
        int windowCount = 0;
        for (int step = 1; step <= settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var stepRandom = new SplitMix64(settings.Seed * 0x9E3779B97F4A7C15UL + (ulong)step);
            optimizer.zero_grad();
            var loss = batchLoss(stepRandom, settings.BatchSize);
            loss.backward();
            optimizer.step();

            window += loss.item<float>();
            windowCount++;
            if (step % settings.LogEvery == 0 || step == settings.Steps)
            {
                curve.Add(new LossPoint(step, window / windowCount));
                progress?.Report(new TrainingProgress(step, settings.Steps, window / windowCount));
                window = 0;
                windowCount = 0;
            }
        }
        model.eval();
        return curve;
    }

    /// <summary>Whether a parameter is a bias: b_Q, b_K, b_V, b_O, b_in, b_out, b_U, a LayerNorm's b.</summary>
    public static bool IsBias(string parameterName)
    {
        string leaf = parameterName[(parameterName.LastIndexOf('.') + 1)..];
        return leaf == "b" || leaf.StartsWith("b_", StringComparison.Ordinal);
    }
}
