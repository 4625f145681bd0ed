using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Metrics;

/// <summary>
/// What runs hand their metric: the final residual stream before the final LayerNorm of k runs at once, either at
/// every position ([k, b, p, d_model]) or only at the rows the metric reads ([k, n, d_model], <see cref="AtMetricRows"/>,
/// in <see cref="MetricReader.Rows"/> order), with the final LayerNorm's scale when it is frozen (same layout, last
/// axis 1). The metric unembeds only what it reads, so no run needs its full logits. A producer of a stream at the
/// metric's rows that knows where it changed nothing says so (<see cref="MayDiffer"/>, [k, n]): outside it the metric
/// takes the clean run's values, whatever the stream holds there; without it the metric compares every row with the
/// clean one.
/// </summary>
public sealed record FinalStream(Tensor Residual, Tensor? FrozenScale = null, bool AtMetricRows = false, Tensor? MayDiffer = null)
{
    /// <summary>One run's stream [b, p, d_model] (with its frozen scale [b, p, 1], if any), as k = 1.</summary>
    public static FinalStream Of(Tensor residual, Tensor? frozenScale = null) =>
        new(residual.unsqueeze(0), frozenScale?.unsqueeze(0));

    public long Runs => Residual.shape[0];

    /// <summary>The full logits [k, b, p, vocab] (the dense reference; only for a stream at every position).</summary>
    public Tensor Logits(HookedTransformer model)
    {
        if (AtMetricRows) throw new InvalidOperationException("a stream at the metric's rows has no logits at the other positions");
        return model.UnembedRows(Residual, FrozenScale is null ? null
            : new RunOptions { Interventions = [Intervention.Replace(HookNames.FinalScale, FrozenScale)] });
    }
}
