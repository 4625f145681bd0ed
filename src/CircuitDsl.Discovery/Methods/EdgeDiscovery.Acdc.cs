using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Running;
using CircuitDsl.Interventions.Metrics;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Methods;

/// <summary>How much of the model a run that scores an ablation mask computes. All three give the same metric.</summary>
public enum EvaluationMode
{
    /// <summary>Every run from the embeddings, with logits at every position: ACDC's definition taken literally, one full forward per edge test.</summary>
    FromEmbeddings,

    /// <summary>
    /// From the earliest layer that holds a receiver of an ablated edge, on the cached clean stream (nothing before it
    /// changes); logits at every position. What ACDC did before <see cref="Sparse"/>.
    /// </summary>
    Resumed,

    /// <summary>
    /// Resumed, and the final LayerNorm and unembedding only at the rows the metric scores (both act per position, so
    /// the other rows' logits cannot change the metric). An edge test into the logits then runs no block at all.
    /// </summary>
    Sparse,
}

// ACDC (Conmy et al. 2023) on the edge graph, and the evaluation path its edge tests take.
public sealed partial class EdgeDiscovery
{
    /// <summary>
    /// ACDC: receivers from the logits back (reverse topological order), each receiver's senders latest first (on a
    /// per-position graph, each sender's buckets from the last: the other positions, then the named ones); an edge
    /// is removed for good when removing it (on top of every edge removed so far) raises the ACDC metric by less than
    /// <paramref name="tau"/>. The metric is KL(model ‖ circuit) unless the settings name another; removed edges carry
    /// their sender's ablated write in place of its current one.
    /// Candidates are tried speculatively in stacks: variant i removes the next i edges on top of those removed so far,
    /// as the one-at-a-time algorithm would if it removed all of them. Up to the first edge it keeps, each variant is
    /// exactly the state the sequential algorithm tests, so the result is the same; the variants after a kept edge are
    /// discarded and tried again. A stack used whole doubles the next (up to <paramref name="speculate"/>), a kept edge
    /// starts again at one, so long runs of removed edges (the usual case on large models) cost few forwards. On a CPU
    /// a stack costs its rows, so it saves nothing (measured: 7.6 s against 5.9 s on zoo:ioi-2l): the default stacks
    /// only on a GPU, where rows run in parallel.
    /// Every test runs as <paramref name="mode"/> says (<see cref="EvaluationMode.Sparse"/> by default): the receivers
    /// are visited from the logits back, so every ablated edge's receiver is at or after the tested one's layer, and a
    /// test resumes there.
    /// </summary>
    public EdgeScores Acdc(double tau, int? speculate = null, EvaluationMode mode = EvaluationMode.Sparse)
    {
        int most = speculate ?? (model.W_E.device.type == TorchSharp.DeviceType.CUDA ? 16 : 1);
        var spec = Settings.EffectiveAcdcMetric;
        var order = Graph.Receivers.Reverse().SelectMany(r => Graph.SendersOf(r).Reverse().SelectMany(s => Graph.IndicesOf(s, r).Reverse())).ToArray();
        var removed = new bool[Graph.Count];
        var scores = new double[Graph.Count];
        var metrics = batches.Select(b => Metric(b, spec)).ToArray(); // made once: KL's reference rows are the same for every test
        try
        {
            using var scope = NewDisposeScope();
            using var none = zeros(1, Graph.Count);
            double current = Evaluate(metrics, none, mode)[0];
            double clean = current;
            int next = 0, size = 1;
            while (next < order.Length)
            {
                int stack = Math.Min(size, order.Length - next);
                // Built here and copied once: an element write per removed edge would be a native call each, per test.
                var rows = new float[stack * Graph.Count];
                for (int j = 0; j < stack; j++)
                {
                    for (int e = 0; e < Graph.Count; e++)
                        if (removed[e]) rows[(j * Graph.Count) + e] = 1;
                    for (int i = 0; i <= j; i++) rows[(j * Graph.Count) + order[next + i]] = 1;
                }
                using var masks = tensor(rows, [stack, Graph.Count]);
                var tried = Evaluate(metrics, masks, mode);
                size = Math.Min(2 * size, Math.Max(1, most));
                for (int i = 0; i < stack; i++)
                {
                    int e = order[next++];
                    scores[e] = tried[i] - current;
                    if (tried[i] - current < tau)
                    {
                        removed[e] = true;
                        current = tried[i];
                    }
                    else
                    {
                        size = 1;
                        break; // the later variants assumed this edge removed
                    }
                }
            }
            return new EdgeScores(Graph, DiscoveryMethod.Acdc, [.. scores]) { Kept = [.. removed.Select(r => !r)], CleanMetric = clean };
        }
        finally
        {
            foreach (var metric in metrics) metric.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Evaluate(MetricSpec, Tensor)"/> computed as <paramref name="mode"/> says: the metric (mean over scored
    /// positions) of each variant of <paramref name="ablated"/> [V, edges] (1: the edge's sender's ablated write
    /// replaces its current one). Benchmarks time the modes against each other with it.
    /// </summary>
    public double[] Evaluate(MetricSpec spec, Tensor ablated, EvaluationMode mode)
    {
        var metrics = batches.Select(b => Metric(b, spec)).ToArray();
        try
        {
            return Evaluate(metrics, ablated, mode);
        }
        finally
        {
            foreach (var metric in metrics) metric.Dispose();
        }
    }

    double[] Evaluate(DiscoveryMetric[] metrics, Tensor ablated, EvaluationMode mode)
    {
        var sums = new double[ablated.shape[0]];
        int count = 0;
        int start = mode == EvaluationMode.FromEmbeddings ? 0 : run.StartLayer(ablated);
        for (int b = 0; b < batches.Count; b++)
        {
            using var scope = NewDisposeScope();
            var (batch, metric) = (batches[b], metrics[b]);
            count += metric.Count;
            bool sparse = mode == EvaluationMode.Sparse;
            var logits = run.Forward(batch.Tokens, ablated, batch.Clean, batch.Source, EdgeDelta.FromCurrent, gradients: false,
                start: start, residuals: batch.Residuals, buckets: batch.Buckets, rows: sparse ? metric.Rows : null);
            var values = (sparse ? metric.SumsOfRows(logits) : metric.Sums(logits)).data<float>().ToArray();
            for (int v = 0; v < sums.Length; v++) sums[v] += values[v];
        }
        return [.. sums.Select(s => s / count)];
    }
}
