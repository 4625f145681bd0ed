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
    /// has fewer copies, the layer's senders or its readers (early layers have few senders, late ones many).
    /// </summary>
    static Tensor Scores(HookedTransformer model, int edges, ReceiverIndex receivers, Tensor differences, Tensor residuals, IList<Tensor> gradients, Tensor? buckets)
    {
        using var mode = no_grad();
        var config = model.Config;
        var scores = zeros(edges, ScalarType.Float64);
        // senders [S, B, pos, d] and readers [R, B, pos, d], the groups' readers in order
        void Add(Tensor senders, Tensor readers, params (int Senders, Tensor Edges)[] groups)
        {
            long count = senders.shape[0];
            // One product over (b, p, d) for every reader at once: [S, B·p·d] × [R, B·p·d]ᵀ, a transposed view (per bucket: an einsum).
            var s = buckets is null
                ? senders.reshape(count, -1).matmul(readers.reshape(readers.shape[0], -1).t())
                : einsum("sbpd,rbpd,bpk->srk", senders, readers, buckets);
            long first = 0;
            foreach (var group in groups)
            {
                long width = group.Edges.shape[0] / (count * (buckets?.shape[2] ?? 1));
                scores.index_add_(0, group.Edges, s.narrow(1, first, width).flatten().to(ScalarType.Float64), 1);
                first += width;
            }
        }
        Tensor SendersOf((int Senders, Tensor Edges) group) => differences.narrow(0, 0, group.Senders);
        for (int l = 0; l < config.Layers; l++)
        {
            var groups = new[] { receivers.Heads(l, Channel.Query), receivers.Heads(l, Channel.Key), receivers.Heads(l, Channel.Value) };
            var senders = SendersOf(groups[0]); // the groups of one layer read the same senders
            var atNormalized = model.HeadNormalizedGradients(l, gradients[3 * l], gradients[3 * l + 1], gradients[3 * l + 2]);
            if (senders.shape[0] < atNormalized.shape[0]) Add(model.Ln1Linearized(l, residuals[l], senders), atNormalized, groups);
            else Add(senders, model.Ln1Linearized(l, residuals[l], atNormalized), groups);
        }
        int next = 3 * config.Layers;
        if (config.HasMlp)
            for (int l = 0; l < config.Layers; l++) Add(SendersOf(receivers.Mlp(l)), gradients[next++].unsqueeze(0), receivers.Mlp(l));
        Add(SendersOf(receivers.Logits), gradients[next].unsqueeze(0), receivers.Logits);
        return scores;
    }
}
