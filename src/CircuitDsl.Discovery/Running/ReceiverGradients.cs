using CircuitDsl.Discovery.Graph;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>
/// EAP's gradients without the mask: one plain forward with gradients and its backward give ∂m/∂(each receiver's
/// input), and an edge's score is that gradient dotted with its sender's source − clean write, summed over batch and
/// positions (per bucket in a per-position graph):
///
///     score(s → r) = Σ_{b, p, d} (source_s − write_s)[b, p, d] · ∂m/∂input_r[b, p, d]
///
/// the mask's gradient at 0 (<see cref="EdgePatchRun"/> with gradients), without the mask's einsums or the per-head
/// copies of the stream in the forward. The receivers' inputs: each head's q, k and v input copy, from the gradients at
/// hook_q, hook_k and hook_v (<see cref="HookedTransformer.HeadNormalizedGradients"/> through ln1's Jacobian,
/// <see cref="HookedTransformer.Ln1Linearized"/>, applied to the gradients or to the differences; k and v per
/// key/value head); each
/// MLP's input, as a zero added at hook_resid_mid and taken off at hook_resid_post, so that only the MLP reads it (a
/// parallel block's at hook_mlp_in, the MLP's own copy); the final stream for the
/// logits. The forward records what <see cref="SenderOutputs.Run"/> records, through the same code paths (adding a zero
/// changes no value), so at the clean input it is that run: its writes, residual streams and logits, bit for bit.
/// </summary>
internal static class ReceiverGradients
{
    /// <summary>What one gradient forward gives: its logits, writes and residual streams (as <see cref="SenderOutputs.Run"/>) and the edges' scores [edges] in float64. The caller owns them.</summary>
    public sealed record Outcome(Tensor Logits, Tensor Writes, Tensor Residuals, Tensor Scores);

    /// <param name="embeddings">Replaces the embeddings' outputs (EAP-IG's interpolated inputs); null for the tokens' own.</param>
    /// <param name="metric">The batch's metric; null to make it from this run's logits, as the clean run's (KL's reference).</param>
    /// <param name="examples">The batch's examples (for a metric made here).</param>
    /// <param name="differences">source − clean write per sender [senders, B, pos, d], given this run's writes.</param>
    public static Outcome Run(HookedTransformer model, EdgeGraph graph, ReceiverIndex receivers, Tensor tokens, (Tensor Token, Tensor? Position)? embeddings,
        DiscoveryMetric? metric, MetricSpec spec, IReadOnlyList<Example> examples, Func<Tensor, Tensor> differences, Tensor? buckets)
    {
        using var scope = NewDisposeScope();
        var config = model.Config;
        var names = model.Hooks.Layers;
        // Tensors the backward reads after the forward's own scopes end; freed with this one.
        var kept = new List<Tensor>();
        Tensor Keep(Tensor t)
        {
            var held = t.DetachFromDisposeScope();
            kept.Add(held);
            return held;
        }
        try
        {
            var interventions = new List<Intervention>
            {
                // A leaf upstream of every receiver, so that the forward records its graph.
                Intervention.Custom(HookNames.Embed, (a, _) => Keep((embeddings?.Token ?? a).detach().requires_grad_(true))),
            };
            if (embeddings?.Position is { } position) interventions.Add(Intervention.Custom(HookNames.PosEmbed, (_, _) => position));
            var channels = new Tensor[config.Layers, 3];
            var mlpInputs = new Tensor?[config.Layers];
            foreach (var n in names)
            {
                int l = n.Layer;
                foreach (var (hook, c) in new[] { (n.Q, 0), (n.K, 1), (n.V, 2) })
                    interventions.Add(Intervention.Custom(hook, (a, _) => channels[l, c] = Keep(a)));
                if (config.HasMlp) // a zero the MLP alone reads: its gradient is the MLP input's
                    interventions.AddRange(MlpInput.Add(config, n, a => mlpInputs[l] = Keep(zeros_like(a).requires_grad_(true))));
            }
            var (final, writes, residuals) = SenderOutputs.RunWithGradients(model, graph, tokens, interventions);
            final = Keep(final);
            var logits = model.ForwardFrom(config.Layers, final.detach());
            using var made = metric is null ? DiscoveryMetric.For(spec, examples, logits) : null;
            var measure = metric ?? made!;
            var total = measure.SumsOfRows(model.UnembedRows(final.reshape(1, -1, config.DModel).index_select(1, measure.Rows), new RunOptions { Gradients = true })).sum();
            Tensor[] inputs = [.. Enumerable.Range(0, config.Layers).SelectMany(l => new[] { channels[l, 0], channels[l, 1], channels[l, 2] }), .. mlpInputs.OfType<Tensor>(), final];
            var gradients = autograd.grad([total], inputs);
            var scores = Scores(model, graph.Count, receivers, differences(writes), residuals, gradients, buckets);
            // The writes and streams are recorded values (detached); only the final stream is in the graph.
            return new Outcome(logits.MoveToOuterDisposeScope(), writes.MoveToOuterDisposeScope(), residuals.MoveToOuterDisposeScope(), scores.MoveToOuterDisposeScope());
        }
        finally
        {
            foreach (var t in kept) t.Dispose();
        }
    }

    /// <summary>
    /// Each receiver group's gradient dotted with its senders' differences, into the edges' order (sender, reader,
    /// bucket). A head reads the stream through ln1, whose Jacobian J at the block's input is symmetric, so
    /// ⟨difference, J·g⟩ = ⟨J·difference, g⟩ for g the gradient at ln1's normalized input: J is applied to whichever side
    /// has fewer copies, the layer's senders or its readers (early layers have few senders, late ones many). The heads'
    /// d_model-wide gradients are made a block of rows at a time (<see cref="RowsPerBlock"/>) and summed over the blocks,
    /// so that they stay in cache.
    /// </summary>
    static Tensor Scores(HookedTransformer model, int edges, ReceiverIndex receivers, Tensor differences, Tensor residuals, IList<Tensor> gradients, Tensor? buckets)
    {
        using var mode = no_grad();
        var config = model.Config;
        var scores = zeros(edges, ScalarType.Float64);
        // The layer's products [S, R(, buckets)] into the edges, each group its readers' columns in order.
        void Distribute(Tensor products, params (int Senders, Tensor Edges)[] groups)
        {
            long count = products.shape[0], first = 0;
            foreach (var group in groups)
            {
                long width = group.Edges.shape[0] / (count * (buckets?.shape[2] ?? 1));
                scores.index_add_(0, group.Edges, products.narrow(1, first, width).flatten().to(ScalarType.Float64), 1);
                first += width;
            }
        }
        Tensor SendersOf((int Senders, Tensor Edges) group) => differences.narrow(0, 0, group.Senders);
        long rows = residuals.shape[1] * residuals.shape[2];
        var rowBuckets = buckets?.flatten(0, 1).unsqueeze(0); // [1, B·pos, buckets]
        for (int l = 0; l < config.Layers; l++)
        {
            using var layerScope = NewDisposeScope();
            var groups = new[] { receivers.Heads(l, Channel.Query), receivers.Heads(l, Channel.Key), receivers.Heads(l, Channel.Value) };
            // [1, B·pos, ...] views: a block of rows is a narrow along the second axis
            var senders = SendersOf(groups[0]).flatten(1, 2).unsqueeze(1); // the groups of one layer read the same senders
            var stream = residuals[l].flatten(0, 1).unsqueeze(0);
            var channels = Enumerable.Range(0, 3).Select(c => gradients[3 * l + c].flatten(0, 1).unsqueeze(0)).ToArray();
            var projections = model.HeadReadProjections(l);
            long block = RowsPerBlock(config.Heads + 2 * config.KvHeads, config.DModel, rows);
            Tensor? products = null;
            for (long start = 0; start < rows; start += block)
            {
                using var blockScope = NewDisposeScope();
                long width = Math.Min(block, rows - start);
                var atNormalized = HookedTransformer.HeadNormalizedGradients(projections, channels[0].narrow(1, start, width), channels[1].narrow(1, start, width), channels[2].narrow(1, start, width));
                var x = stream.narrow(1, start, width);
                var from = senders.narrow(2, start, width);
                var blockBuckets = rowBuckets?.narrow(1, start, width);
                var part = from.shape[0] < atNormalized.shape[0]
                    ? Product(model.Ln1Linearized(l, x, from), atNormalized, blockBuckets)
                    : Product(from, model.Ln1Linearized(l, x, atNormalized), blockBuckets);
                if (products is null) products = part.to(ScalarType.Float64).MoveToOuterDisposeScope();
                else products.add_(part);
            }
            Distribute(products!, groups);
        }
        int next = 3 * config.Layers;
        if (config.HasMlp)
            for (int l = 0; l < config.Layers; l++)
                Distribute(Product(SendersOf(receivers.Mlp(l)), gradients[next++].unsqueeze(0), buckets), receivers.Mlp(l));
        Distribute(Product(SendersOf(receivers.Logits), gradients[next].unsqueeze(0), buckets), receivers.Logits);
        return scores;
    }

    /// <summary>
    /// senders [S, B, pos, d] and readers [R, B, pos, d] dotted over (b, p, d): [S, R], one product for every reader at
    /// once against a transposed view; per bucket ([B, pos, buckets]) an einsum, [S, R, buckets].
    /// </summary>
    static Tensor Product(Tensor senders, Tensor readers, Tensor? buckets) => buckets is null
        ? senders.reshape(senders.shape[0], -1).matmul(readers.reshape(readers.shape[0], -1).t())
        : einsum("sbpd,rbpd,bpk->srk", senders, readers, buckets);

    /// <summary>
    /// A layer's head gradients are made about this many floats at a time (R readers × rows × d_model; 1 MiB, an L2
    /// cache): on attn-only-2l the scores took about half the time they took with whole layers ([6, 3,072, 64], 4.7 MB).
    /// </summary>
    const long BlockFloats = 1L << 18;

    /// <summary>A test's block of rows, to split small models' rows; null for <see cref="BlockFloats"/>' worth.</summary>
    internal static long? BlockRows { get; set; }

    // No fewer than 64 rows: where a block that small is already past the L2 cache (the GPT-2 shape's 36 readers × 768
    // wide: 7 MB at 64 rows), smaller ones would only cost more calls and leaner products.
    internal static long RowsPerBlock(long readers, long dModel, long rows) => Math.Min(rows, BlockRows ?? Math.Max(64, BlockFloats / (readers * dModel)));
}
