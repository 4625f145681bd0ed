using CircuitDsl.Discovery.Running;
using CircuitDsl.Interventions.Metrics;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Methods;

public sealed partial class EdgeDiscovery
{
    /// <summary>
    /// As <see cref="Evaluate"/>, per example: for each variant (row of <paramref name="ablated"/>), the metric's sum and
    /// scored-position count of every example of the data, in data order (what the engine's bootstrap resamples).
    /// </summary>
    public ExampleScores[] EvaluatePerExample(MetricSpec spec, Tensor ablated)
    {
        int variants = (int)ablated.shape[0];
        var scores = Enumerable.Range(0, variants).Select(_ => new ExampleScores(Settings.Data.Count)).ToArray();
        int offset = 0;
        foreach (var batch in batches)
        {
            using var scope = NewDisposeScope();
            using var metric = Metric(batch, spec);
            var logits = run.Forward(batch.Tokens, ablated, batch.Clean, batch.Source, EdgeDelta.FromCurrent, gradients: false,
                start: run.StartLayer(ablated), residuals: batch.Residuals, buckets: batch.Buckets);
            var sums = metric.PerExample(logits).data<double>().ToArray();
            var counts = metric.ExampleCounts();
            int size = counts.Length;
            for (int v = 0; v < variants; v++)
                for (int b = 0; b < size; b++)
                {
                    scores[v].Sums[offset + b] = sums[(v * size) + b];
                    scores[v].Counts[offset + b] = counts[b];
                }
            offset += size;
        }
        return scores;
    }
}
