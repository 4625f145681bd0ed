using CircuitDsl.Discovery.Graph;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>What an ablated edge adds to its receiver's input.</summary>
internal enum EdgeDelta
{
    /// <summary>source − clean write of the sender (fixed; what attribution multiplies by the gradient, and exact for one edge).</summary>
    FromClean,

    /// <summary>source − the sender's write in this very run (ACDC and circuit evaluation, where upstream edges are ablated too).</summary>
    FromCurrent,
}

/// <summary>
/// One forward pass of the model with edges ablated by a mask (auto-circuit's mechanism, done with hooks): for each
/// variant v of the batch and each receiver r,
///
///     input_r = (what r reads) + Σ_{senders s of r} mask[v, s→r] · (source_s − write_s)
///
/// where write_s is the sender's clean write (<see cref="EdgeDelta.FromClean"/>) or its write in this run
/// (<see cref="EdgeDelta.FromCurrent"/>). Head inputs are patched through the split <c>hook_q_input</c>,
/// <c>hook_k_input</c> and <c>hook_v_input</c> (under grouped-query attention k and v per key/value head); an MLP's
/// input by adding at <c>hook_resid_mid</c> and subtracting the same at <c>hook_resid_post</c> (so only the MLP sees
/// it), or in a parallel block at <c>hook_mlp_in</c>, the MLP's own copy of the block's input; the logits' input at
/// the last <c>hook_resid_post</c>.
/// Mask 0 is the clean edge, 1 the ablated one; a mask that requires grad gives, at 0, the EAP score of every edge
/// as its gradient (the metric's gradient at the receiver's input dotted with source − clean).
/// Variants are stacked along the batch: [V·B, pos, ...].
/// In a per-position graph the mask is m[v, e, k] over buckets k, and position p of example b takes the mask of its
/// bucket: input_r[b, p] gets Σ_s Σ_k m[v, s→r, k] · onehot[b, p, k] · (source_s − write_s)[b, p], so the edges of
/// one sender-receiver pair partition its positions (and EAP's gradient splits exactly over them).
/// </summary>
internal sealed class EdgePatchRun(HookedTransformer model, EdgeGraph graph) : IDisposable
{
    readonly ReceiverIndex receivers = new(graph);

    /// <summary>The receiver groups this run patches (for <see cref="ReceiverGradients"/>, which reads the same ones).</summary>
    public ReceiverIndex Receivers => receivers;

    /// <summary>
    /// The logits [V·B, pos, vocab] with the edges of each variant ablated. <paramref name="mask"/> is [V, edges];
    /// <paramref name="clean"/> and <paramref name="source"/> are the senders' writes [senders, B, pos, d]
    /// (clean run, and what an ablated edge carries instead). <paramref name="embeddings"/> replaces the embeddings'
    /// outputs (EAP-IG's interpolated inputs). With <paramref name="start"/> l &gt; 0 the run begins at layer l from the
    /// clean residual stream <paramref name="residuals"/>[l] ([layers + 1, B, pos, d]): right when no edge into a receiver
    /// before layer l is ablated (nothing before it changes), as in exact patching of edges into later layers and in
    /// ACDC, which ablates edges from the logits back (auto-circuit resumes ACDC's runs the same way).
    /// <paramref name="buckets"/> [B, pos, buckets] is each position's bucket, one-hot (a per-position graph only).
    /// </summary>
    /// With <paramref name="rows"/> (flat indices b·pos + p), only those rows' logits are computed: [V, R, vocab]
    /// (the final LayerNorm and unembedding are per position, so these are the same numbers).
    public Tensor Forward(Tensor tokens, Tensor mask, Tensor clean, Tensor source, EdgeDelta delta, bool gradients,
        (Tensor Token, Tensor? Position)? embeddings = null, int start = 0, Tensor? residuals = null, Tensor? buckets = null, Tensor? rows = null)
    {
        if ((buckets is null) != (graph.Positions is null))
            throw new ArgumentException("a per-position graph needs each position's bucket, and only it", nameof(buckets));
        int variants = (int)mask.shape[0];
        long batch = tokens.shape[0];
        var stacked = variants == 1 ? tokens : tokens.repeat(variants, 1);
        var interventions = new List<Intervention>();
        if (embeddings is { } e)
        {
            interventions.Add(Intervention.Custom(HookNames.Embed, (_, _) => e.Token));
            if (e.Position is { } p) interventions.Add(Intervention.Custom(HookNames.PosEmbed, (_, _) => p));
        }

        // The senders' writes in this run, captured as the forward reaches them (only FromCurrent needs them).
        var current = new Tensor?[graph.Senders.Length];
        if (delta == EdgeDelta.FromCurrent)
            interventions.AddRange(SenderOutputs.Capture(model, graph, (s, write) => current[s] = write));

        int layers = model.Config.Layers;
        if (start > 0)
        {
            if (residuals is null) throw new ArgumentException("a run that starts after layer 0 needs the clean residual streams", nameof(residuals));
            if (embeddings is not null) throw new ArgumentException("interpolated embeddings change layer 0: such a run starts there", nameof(embeddings));
            // Senders before the start write what they write cleanly in every variant.
            for (int s = 0; s < graph.Senders.Length; s++)
                if (graph.Senders[s].ResidualOrder < (2L * start) + 1)
                    current[s] = variants == 1 ? clean[s] : clean[s].repeat(variants, 1, 1);
        }

        var fixedDiff = delta == EdgeDelta.FromClean ? source - clean : null;
        // Σ_s m[v, s, ...] · diff_s: the differences are [s, B, p, d] (fixed) or [s, V, B, p, d] (this run's).
        Tensor Combine(int senders, string maskAxes, string outAxes, Tensor m)
        {
            if (buckets is not null) // m[v, s, (h,) k] → the mask at each position: [v, s, (h,) b, p]
            {
                m = einsum($"{maskAxes}k,bpk->{maskAxes}bp", m, buckets);
                maskAxes += "bp";
            }
            if (fixedDiff is not null)
                return einsum($"sbpd,{maskAxes}->{outAxes}", fixedDiff.narrow(0, 0, senders), m);
            // The stacked writes and their differences are [senders, V, B, p, d]: freed here, not when the pass ends,
            // or every receiver group's would stay (memory growing with the graph).
            using var group = NewDisposeScope();
            var now = stack(current.Take(senders).Select(t => t!.reshape(variants, batch, t.shape[1], t.shape[2])).ToArray());
            return einsum($"svbpd,{maskAxes}->{outAxes}", source.narrow(0, 0, senders).unsqueeze(1) - now, m).MoveToOuterDisposeScope();
        }

        for (int l = start; l < layers; l++)
        {
            int layer = l;
            var names = model.Hooks.Layers[l];
            foreach (var channel in (Channel[])[Channel.Query, Channel.Key, Channel.Value])
            {
                var group = receivers.Heads(layer, channel);
                // Under grouped-query attention the k and v inputs are per key/value head.
                int readers = channel == Channel.Query ? model.Config.Heads : model.Config.KvHeads;
                interventions.Add(Intervention.Custom(names.Input(ChannelLetter(channel)), (activation, _) =>
                {
                    var m = mask.index_select(1, group.Edges).view(PerBucket(variants, group.Senders, readers));
                    var add = Combine(group.Senders, "vsh", "vbphd", m);
                    return activation + add.reshape(activation.shape);
                }));
            }
            if (model.Config.HasMlp)
            {
                var group = receivers.Mlp(layer);
                interventions.AddRange(MlpInput.Add(model.Config, names, activation =>
                    Combine(group.Senders, "vs", "vbpd", mask.index_select(1, group.Edges).view(PerBucket(variants, group.Senders))).reshape(activation.shape)));
            }
        }
        var logitsGroup = receivers.Logits;
        Tensor IntoLogits(Tensor final)
        {
            var m = mask.index_select(1, logitsGroup.Edges).view(PerBucket(variants, logitsGroup.Senders));
            return final + Combine(logitsGroup.Senders, "vs", "vbpd", m).reshape(final.shape);
        }
        var options = new RunOptions { Interventions = interventions, Gradients = gradients, StopAtLayer = rows is null ? null : layers };
        Tensor AtRows(Tensor final) => model.UnembedRows(final.reshape(variants, -1, final.shape[2]).index_select(1, rows!), options);
        if (start == layers) // only the logits' input changes: no block runs
        {
            using var mode = gradients ? null : no_grad();
            var final = IntoLogits(Repeat(residuals![layers], variants));
            return rows is null ? model.ForwardFrom(layers, final, options) : AtRows(final);
        }
        interventions.Add(Intervention.Custom(model.Hooks.Layers[layers - 1].ResidPost, (activation, _) => IntoLogits(activation)));
        var output = start == 0 ? model.Forward(stacked, options) : model.ForwardFrom(start, Repeat(residuals![start], variants), options);
        return rows is null ? output : AtRows(output);
    }

    // The mask's shape for one receiver group: [v, s, (h)] and, per position, the buckets last.
    long[] PerBucket(params long[] shape) => graph.Positions is null ? shape : [.. shape, graph.Buckets];

    static Tensor Repeat(Tensor residual, int variants) => variants == 1 ? residual : residual.repeat(variants, 1, 1);

    /// <summary>
    /// The first layer a run with <paramref name="mask"/> must compute: the earliest layer of a receiver with an
    /// ablated edge (the logits count as the layer after the last), or 0 when the mask takes gradients.
    /// </summary>
    public int StartLayer(Tensor mask)
    {
        if (mask.requires_grad) return 0;
        using var scope = NewDisposeScope();
        // sum(dim: 0): a bare sum(0) binds to sum(ScalarType), the sum of every element, and the run never resumed.
        var used = (mask.abs().sum(dim: 0) > 0).data<bool>().ToArray();
        int start = model.Config.Layers;
        for (int e = 0; e < used.Length; e++)
            if (used[e])
            {
                var receiver = graph.Edges[e].Receiver;
                start = Math.Min(start, receiver.Kind == ComponentKind.Logits ? model.Config.Layers : receiver.Layer);
            }
        return start;
    }

    /// <summary>Frees the receiver index's tensors (they live as long as the run).</summary>
    public void Dispose() => receivers.Dispose();

    static char ChannelLetter(Channel channel) => channel switch { Channel.Query => 'q', Channel.Key => 'k', _ => 'v' };
}

/// <summary>
/// For each receiver group (a layer's q inputs, its k or v inputs (per key/value head); a layer's MLP; the logits), how many senders feed it (always
/// a prefix of the graph's sender order) and the numbers of its edges, sender-major (then reader, then position
/// bucket), as an index into the mask.
/// </summary>
internal sealed class ReceiverIndex : IDisposable
{
    readonly Dictionary<(int Layer, Channel Channel), (int Senders, Tensor Edges)> heads = [];
    readonly Dictionary<int, (int Senders, Tensor Edges)> mlps = [];

    public ReceiverIndex(EdgeGraph graph)
    {
        var config = graph.Config;
        for (int l = 0; l < config.Layers; l++)
        {
            foreach (var channel in (Channel[])[Channel.Query, Channel.Key, Channel.Value])
            {
                // One reader per head for q, per key/value head for k and v (named by its group's first query head).
                var readers = Enumerable.Range(0, config.Heads).Select(h => Component.Head(l, h, channel))
                    .Where(r => graph.Canonical(r) == r).ToArray();
                heads[(l, channel)] = Group(graph, readers);
            }
            if (config.HasMlp) mlps[l] = Group(graph, [Component.Mlp(l)]);
        }
        Logits = Group(graph, [Component.Logits]);
    }

    public (int Senders, Tensor Edges) Heads(int layer, Channel channel) => heads[(layer, channel)];

    public (int Senders, Tensor Edges) Mlp(int layer) => mlps[layer];

    public (int Senders, Tensor Edges) Logits { get; }

    public void Dispose()
    {
        foreach (var group in heads.Values.Concat(mlps.Values).Append(Logits)) group.Edges.Dispose();
    }

    static (int Senders, Tensor Edges) Group(EdgeGraph graph, Component[] readers)
    {
        var senders = graph.SendersOf(readers[0]).ToArray();
        var edges = senders.SelectMany(s => readers.SelectMany(r => graph.IndicesOf(s, r).Select(i => (long)i))).ToArray();
        return (senders.Length, tensor(edges).DetachFromDisposeScope());
    }
}
