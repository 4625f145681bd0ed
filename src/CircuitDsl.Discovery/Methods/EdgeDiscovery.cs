using System.Collections.Immutable;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Running;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Methods;

/// <summary>
/// The discovery methods on one model and data set. The batches (clean and ablated senders' writes) are made once and
/// shared by every method and by <see cref="Evaluate"/>; memory grows with the data (senders × examples × positions ×
/// d_model, twice), not with the number of edges beyond the [variants, edges] mask.
/// </summary>
public sealed partial class EdgeDiscovery : IDisposable
{
    readonly HookedTransformer model;
    readonly EdgePatchRun run;
    readonly List<DiscoveryBatch> batches;

    /// <summary>
    /// The discovery <see cref="Run"/> is about to use: when EAP is the settings' method, its gradient forward is the
    /// clean run and makes the caches too (one forward fewer per batch; the scores and caches are bit for bit the same).
    /// </summary>
    public static EdgeDiscovery ForRun(HookedTransformer model, DiscoverySettings settings) =>
        new(model, settings, eapWithCaches: settings.Method == DiscoveryMethod.Eap);

    /// <param name="eapWithCaches">Compute EAP's scores while making the caches (<see cref="ForRun"/>).</param>
    public EdgeDiscovery(HookedTransformer model, DiscoverySettings settings, bool eapWithCaches = false)
    {
        if (DiscoveryMetric.Unsupported(settings.Metric) is { } reason) throw new NotSupportedException(reason);
        this.model = model;
        Settings = settings;
        Graph = EdgeGraph.For(model.Config, settings.Positions);
        run = new EdgePatchRun(model, Graph);
        // EAP's gradient forward is the clean run, so it can make the caches too.
        var eap = eapWithCaches ? zeros(Graph.Count, ScalarType.Float64) : null;
        try
        {
            batches = DiscoveryBatch.All(model, Graph, settings, out int forwards, eap is null ? null : (tokens, examples, source, buckets) =>
            {
                using var scope = NewDisposeScope();
                var outcome = ReceiverGradients.Run(model, Graph, run.Receivers, tokens, null, null, settings.Metric, examples, writes => source - writes, buckets);
                eap.add_(outcome.Scores);
                return (outcome.Logits.MoveToOuterDisposeScope(), outcome.Writes.MoveToOuterDisposeScope(), outcome.Residuals.MoveToOuterDisposeScope());
            });
            CacheForwards = forwards;
            if (eap is not null) eapScores = Attributed(DiscoveryMethod.Eap, eap);
        }
        catch
        {
            Dispose(); // the batches made so far and the run's index
            throw;
        }
        finally
        {
            eap?.Dispose();
        }
    }

    // EAP's scores, made with the caches when EAP is the settings' method.
    readonly EdgeScores? eapScores;

    public EdgeGraph Graph { get; }
    public DiscoverySettings Settings { get; }

    /// <summary>How many batches the data makes: one stacked forward each for an evaluation of masks.</summary>
    public int Batches => batches.Count;

    /// <summary>The forward passes made to cache the batches' clean and ablated writes (and the pool's mean); not EAP's, which made the clean ones with <see cref="ForRun"/>.</summary>
    public int CacheForwards { get; }

    /// <summary>Runs the method the settings name.</summary>
    public EdgeScores Run() => Settings.Method switch
    {
        DiscoveryMethod.Exact => Exact(),
        DiscoveryMethod.Eap => Eap(),
        DiscoveryMethod.EapIg => EapIg(Settings.Steps),
        DiscoveryMethod.Acdc => Acdc(Settings.Tau),
        _ => throw new ArgumentOutOfRangeException(nameof(Settings), Settings.Method, "unknown method"),
    };

    /// <summary>
    /// Exact edge patching, the reference: for each edge alone, m(edge ablated) − m(clean), everything else clean
    /// (upstream of the receiver nothing changes; downstream is recomputed). Edges are stacked along the batch.
    /// </summary>
    public EdgeScores Exact() => Exact([.. Enumerable.Range(0, Graph.Count)]);

    /// <summary>Exact patching of the edges numbered <paramref name="edges"/> only (the others score NaN): a benchmark's sample.</summary>
    public EdgeScores Exact(IReadOnlyList<int> edges)
    {
        var scores = new double[Graph.Count];
        if (edges.Count < Graph.Count) Array.Fill(scores, double.NaN);
        foreach (int e in edges) scores[e] = 0;
        // Each stacked forward also runs the unpatched model (variant 0), so that an edge that changes nothing scores
        // exactly 0: the split q/k/v path and a stacked batch may round differently from the plain clean forward.
        int perForward = Math.Max(1, (Settings.MaxRows / Math.Max(1, Settings.BatchSize)) - 1);
        var (clean, count) = CleanTotals();
        foreach (var batch in batches)
        {
            using var metric = Metric(batch, Settings.Metric);
            for (int first = 0; first < edges.Count; first += perForward)
            {
                using var scope = NewDisposeScope();
                int stacked = Math.Min(perForward, edges.Count - first);
                var mask = zeros(stacked + 1, Graph.Count);
                for (int v = 0; v < stacked; v++) mask[v + 1, edges[first + v]] = 1;
                // Logits only at the metric's rows (the final LayerNorm and unembedding act per position).
                var logits = run.Forward(batch.Tokens, mask, batch.Clean, batch.Source, EdgeDelta.FromClean, gradients: false,
                    start: run.StartLayer(mask), residuals: batch.Residuals, buckets: batch.Buckets, rows: metric.Rows);
                var sums = metric.SumsOfRows(logits).to(ScalarType.Float64).data<double>().ToArray();
                for (int v = 0; v < stacked; v++) scores[edges[first + v]] += sums[v + 1] - sums[0];
            }
        }
        return new EdgeScores(Graph, DiscoveryMethod.Exact, [.. scores.Select(s => s / count)]) { CleanMetric = clean / count };
    }

    /// <summary>EAP: (source − clean) · ∂m/∂(receiver input) at the clean run, summed over batch and positions.</summary>
    public EdgeScores Eap() => eapScores ?? Attribution(DiscoveryMethod.Eap, [1.0]);

    /// <summary>
    /// EAP-IG-inputs: the same product with the gradient averaged over <paramref name="steps"/> runs whose embeddings
    /// are source + α(clean − source), α = k/m for k = 0..m−1 (EAP-IG's left Riemann sum).
    /// </summary>
    public EdgeScores EapIg(int steps)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "EAP-IG needs at least one step");
        return Attribution(DiscoveryMethod.EapIg, [.. Enumerable.Range(0, steps).Select(k => (double)k / steps)]);
    }

    /// <summary>Gradients at the receivers' inputs (<see cref="ReceiverGradients"/>) times source − clean, averaged over the inputs at <paramref name="alphas"/>.</summary>
    EdgeScores Attribution(DiscoveryMethod method, double[] alphas)
    {
        using var scores = zeros(Graph.Count, ScalarType.Float64);
        bool interpolate = method == DiscoveryMethod.EapIg;
        foreach (var batch in batches)
        {
            using var metric = Metric(batch, Settings.Metric);
            // The gradient is taken at each alpha's inputs; the differences are always the clean run's.
            using var differences = batch.Source - batch.Clean;
            foreach (double alpha in alphas)
            {
                using var scope = NewDisposeScope();
                (Tensor, Tensor?)? embeddings = interpolate ? (Interpolate(batch, 0, alpha), HasPositions ? Interpolate(batch, 1, alpha) : null) : null;
                var outcome = ReceiverGradients.Run(model, Graph, run.Receivers, batch.Tokens, embeddings, metric, Settings.Metric, batch.Examples, _ => differences, batch.Buckets);
                scores.add_(outcome.Scores / alphas.Length);
            }
        }
        return Attributed(method, scores);
    }

    /// <summary>Scores summed over every batch, as means over the scored rows, with the clean metric.</summary>
    EdgeScores Attributed(DiscoveryMethod method, Tensor sums)
    {
        var (clean, count) = CleanTotals();
        var values = sums.data<double>().ToArray();
        return new EdgeScores(Graph, method, [.. values.Select(s => s / count)]) { CleanMetric = clean / count };
    }

    bool HasPositions => Graph.Senders.Length > 1 && Graph.Senders[1] == Component.PosEmbed;

    static Tensor Interpolate(DiscoveryBatch batch, int sender, double alpha)
    {
        var source = batch.Source[sender];
        return source + (alpha * (batch.Clean[sender] - source));
    }

    /// <summary>
    /// The metric (mean over scored positions) of each variant: row v of <paramref name="ablated"/> [V, edges] marks the
    /// edges whose senders' ablated writes replace their current ones (1) and those left as they are (0).
    /// </summary>
    public double[] Evaluate(MetricSpec spec, Tensor ablated) => Evaluate(spec, ablated, EvaluationMode.Resumed);

    /// <summary>The metric of the circuit made of <paramref name="edges"/> (every other edge ablated).</summary>
    public double CircuitMetric(IEnumerable<Edge> edges, MetricSpec? spec = null)
    {
        using var scope = NewDisposeScope();
        var mask = ones(1, Graph.Count);
        foreach (var edge in edges) mask[0, Graph.IndexOf(edge)] = 0;
        return Evaluate(spec ?? Settings.Metric, mask)[0];
    }

    /// <summary>
    /// MIB's faithfulness of a circuit: (m(C) − m(∅)) / (m(N) − m(∅)), with every edge outside C ablated, m(N) the
    /// model and m(∅) every edge ablated. NaN when the model and the empty circuit score alike.
    /// </summary>
    public (double Faithfulness, double Circuit, double Model, double Empty) Faithfulness(IEnumerable<Edge> edges)
    {
        using var scope = NewDisposeScope(); // the masks and the temporaries their assignments make
        var masks = ones(3, Graph.Count);
        masks[1] = zeros(Graph.Count);
        foreach (var edge in edges) masks[0, Graph.IndexOf(edge)] = 0;
        // Per example, as `expect circuit faithfulness` measures it, so that both give the same number.
        var m = EvaluatePerExample(Settings.Metric, masks).Select(s => s.Mean).ToArray();
        double span = m[1] - m[2];
        return (span == 0 ? double.NaN : (m[0] - m[2]) / span, m[0], m[1], m[2]);
    }

    /// <summary>The clean metric summed over every batch's scored rows, and their number.</summary>
    (double Sum, int Count) CleanTotals() => cleanTotals ??= SumCleanMetric();

    // The batches never change, so every method call reads the same clean metric.
    (double Sum, int Count)? cleanTotals;

    (double Sum, int Count) SumCleanMetric()
    {
        double sum = 0;
        int count = 0;
        foreach (var batch in batches)
        {
            using var metric = Metric(batch, Settings.Metric);
            sum += CleanSum(metric, batch);
            count += metric.Count;
        }
        return (sum, count);
    }

    static double CleanSum(DiscoveryMetric metric, DiscoveryBatch batch)
    {
        using var scope = NewDisposeScope();
        return metric.Sums(batch.CleanLogits).item<float>();
    }

    DiscoveryMetric Metric(DiscoveryBatch batch, MetricSpec spec) => DiscoveryMetric.For(spec, batch.Examples, batch.CleanLogits);

    public void Dispose()
    {
        // Null only when the constructor failed making them (DiscoveryBatch.All frees its own then).
        if (batches is not null)
        {
            foreach (var batch in batches) batch.Dispose();
            batches.Clear();
        }
        run.Dispose();
    }
}
