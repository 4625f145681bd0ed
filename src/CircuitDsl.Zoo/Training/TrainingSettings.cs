using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Zoo.Training;

/// <summary>Everything that decides a training run's outcome; recorded in the model card.</summary>
public sealed record TrainingSettings
{
    public int Steps { get; init; } = 3000;
    public int BatchSize { get; init; } = 64;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Adam's L2 penalty (0: none).</summary>
    public double WeightDecay { get; init; }
    public ulong Seed { get; init; }
    public WeightInit Init { get; init; } = WeightInit.Torch;
    /// <summary>libtorch's intra-op threads. Pinned because float reduction order (and so the weights) follows it.</summary>
    public int Threads { get; init; } = 2;
    /// <summary>Whether the biases (every b_* parameter) are trained; false keeps them at zero, as in models that have none (Llama).</summary>
    public bool Biases { get; init; } = true;
    /// <summary>A loss point is recorded every this many steps.</summary>
    public int LogEvery { get; init; } = 25;
}

/// <summary>One point of the loss curve.</summary>
public sealed record LossPoint(int Step, double Loss);

/// <summary>Progress of a running training job, for a progress bar.</summary>
public sealed record TrainingProgress(int Step, int Steps, double Loss);
