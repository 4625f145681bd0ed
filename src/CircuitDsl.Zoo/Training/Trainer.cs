using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Zoo.Tasks;
using TorchSharp;
using static TorchSharp.torch;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Zoo.Training;

/// <summary>
/// Next-token training with Adam, deterministic from the settings' seed: the weights are initialised from it,
/// and each step's batch is drawn from a generator seeded by (seed, step).
/// </summary>
public static class Trainer
{
    /// <param name="batchAt">The token batch [batch, pos] for a step, from the step's own generator.</param>
    public static IReadOnlyList<LossPoint> Train(
        HookedTransformer model,
        Func<SplitMix64, int, Tensor> batchAt,
        TrainingSettings settings,
        IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        set_num_threads(settings.Threads);
        model.InitializeWeights((long)settings.Seed, settings.Init);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: settings.LearningRate);
        var curve = new List<LossPoint>();
        var gradientsOn = new RunOptions { Gradients = true };
        double window = 0;
        int windowCount = 0;
        for (int step = 1; step <= settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var stepRandom = new SplitMix64(settings.Seed * 0x9E3779B97F4A7C15UL + (ulong)step);
            var tokens = batchAt(stepRandom, settings.BatchSize);
            optimizer.zero_grad();
            var loss = TokenBatches.NextTokenLoss(model.Forward(tokens, gradientsOn), tokens).mean();
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
}
