using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// Runs the scrubbed model with one source per node copy and position (<see cref="PositionSampler"/>). The input of
/// a node copy at row r and position p is the per-example formula with every term read at its own world:
/// <code>input_ch[r, p] = R_{U[r, p]}[p] + Σ_{child feeding ch} Σ_{w ∈ child} mask ⊙ (out_child[r, p][w] − w(U[r, p])[p])</code>
/// with U the other-inputs datum of the row (or, when the copy keeps its inputs, its world at p). A head's output
/// at query q reads its q at q and its k and v at every key up to q, all from the world of query q: where a head's
/// worlds vary by position it runs once per query position, as a sub-row whose inputs are built from the cached
/// runs of several worlds (the q input from the row, the k/v inputs from the child's row for that query), all
/// sub-rows in one batched forward, and keeps each sub-row's output at its own query. This is exact, since a head's
/// output at q reads nothing but q's query and the keys and values of the same sub-row.
/// </summary>
internal sealed class PositionScrubEvaluator(ComponentHooks hooks, Dataset dataset, RunCache runs, int batchSize)
{
    readonly WorldGather gather = new(dataset, runs, batchSize);
    readonly int length = dataset.Length;

    /// <summary>A component's output over a copy's rows, [rows, p, d], and the worlds whose clean output it equals (if it does).</summary>
    sealed record Output(Tensor Value, int[]? CleanOn);

    /// <summary>The scrubbed final residual stream [b, p, d_model] (before the final LayerNorm) at the root.</summary>
    public Tensor Final(ScrubTree tree, PositionSamples samples, int start, int end) =>
        Evaluate(tree.Root, samples, start, end)[tree.Root.Components[0]].Value;

    /// <summary>The scrubbed full logits [b, p, vocab]: the dense reference of <see cref="Final"/>.</summary>
    public Tensor Logits(ScrubTree tree, PositionSamples samples, int start, int end) =>
        hooks.Model.ForwardFrom(hooks.Model.Config.Layers, Final(tree, samples, start, end));

    Dictionary<Component, Output> Evaluate(ScrubTreeNode node, PositionSamples samples, int start, int end)
    {
        var rows = samples.Of(node);
        int k = rows.RowsPerReference;
        var worlds = rows.Worlds[(start * k * length)..(end * k * length)];
        var others = rows.Others?[(start * k)..(end * k)];
        var horizons = rows.Horizons[(start * k)..(end * k)];
        var children = node.Children.Select(c => (Node: c, Outputs: Evaluate(c, samples, start, end))).ToArray();
        var result = new Dictionary<Component, Output>();
        foreach (var c in node.Components.Where(c => c.IsEmbedding))
            result[c] = new Output(gather.Read(worlds, run => hooks.ReadOutput(run.Cache, c)), worlds);
        // A node's heads in one layer read the same inputs, so one forward of the layer serves them all.
        var headsByLayer = node.Components.Where(c => c.Kind == ComponentKind.Head).GroupBy(c => c.Layer).Select(g => g.ToArray());
        var rest = node.Components.Where(c => !c.IsEmbedding && c.Kind != ComponentKind.Head).Select(c => new[] { c });
        foreach (var group in headsByLayer.Concat(rest))
            foreach (var (c, output) in Compute(group, rows.Varying, worlds, horizons, others, children))
                result[c] = output;
        return result;
    }

    IEnumerable<(Component, Output)> Compute(Component[] group, bool varying, int[] worlds, int[] horizons, int[]? others,
        (ScrubTreeNode Node, Dictionary<Component, Output> Outputs)[] children)
    {
        var c = group[0];
        int rows = worlds.Length / length;
        // A head whose worlds vary by position runs once per query position (sub-row r·P + q).
        bool perQuery = varying && c.Kind == ComponentKind.Head;
        var reader = perQuery ? PerQuery(worlds) : worlds;
        var u = others is null ? reader : OnePerRow(others, perQuery ? length : 1);
        var channels = c.Kind == ComponentKind.Head ? new[] { Channel.Query, Channel.Key, Channel.Value } : [Channel.Output];
        var inputs = new Dictionary<Channel, Tensor>();
        foreach (var (child, outputs) in children)
        {
            foreach (var (writer, output) in outputs)
            {
                // A child read at the reader's position has the reader's rows; per query, each query's sub-row repeats its row.
                var (value, cleanOn) = perQuery && !child.ReadAcrossPositions ? Repeat(output) : (output.Value, output.CleanOn);
                if (cleanOn is not null && cleanOn.AsSpan().SequenceEqual(u)) continue; // delta is exactly 0
                var delta = value - gather.Read(u, run => hooks.ReadOutput(run.Cache, writer));
                if (!child.EdgePositions.IsAll)
                    delta = delta * EdgeMask(child.EdgePositions, reader).unsqueeze(-1).to(delta.dtype);
                foreach (var ch in channels)
                    if (child.Via == Channel.Output || child.Via == ch)
                        inputs[ch] = inputs.TryGetValue(ch, out var sum) ? sum + delta : delta;
            }
        }
        if (inputs.Count == 0)
            return group.Select(g =>
            {
                var clean = gather.Read(u, run => g.Kind == ComponentKind.Logits ? run.Final : hooks.ReadOutput(run.Cache, g));
                return (g, perQuery ? new Output(AtOwnQuery(clean, rows), AtOwnQuery(u)) : new Output(clean, u));
            }).ToArray();

        var residual = gather.Read(u, run => run.Cache[hooks.ReadHook(c)]);
        var model = hooks.Model;
        switch (c.Kind)
        {
            case ComponentKind.Logits:
                return [(c, new Output(residual + inputs[Channel.Output], null))]; // the metric unembeds only what it reads
            case ComponentKind.Mlp:
                return [(c, new Output(model.MlpOut(c.Layer, residual + inputs[Channel.Output]), null))];
            default:
            {
                var computeHorizons = perQuery ? PerQueryHorizons(horizons) : horizons;
                var outputs = new HeadRunner(hooks, c.Layer, [.. group.Select(g => g.HeadIndex)], length).Run(residual, inputs, computeHorizons);
                return group.Select((g, i) => (g, new Output(perQuery ? AtOwnQuery(outputs[i], rows) : outputs[i], null))).ToArray();
            }
        }
    }

    /// <summary>The worlds of each query's sub-row: query q of row r sees the world W[r, q] at every position.</summary>
    int[] PerQuery(int[] worlds)
    {
        var result = new int[worlds.Length * length];
        for (int s = 0; s < worlds.Length; s++) Array.Fill(result, worlds[s], s * length, length);
        return result;
    }

    /// <summary>Query q of row r matters up to q, and not past its row's horizon.</summary>
    int[] PerQueryHorizons(int[] horizons)
    {
        var result = new int[horizons.Length * length];
        for (int s = 0; s < result.Length; s++) result[s] = Math.Min(horizons[s / length], s % length);
        return result;
    }

    /// <summary>Each row's datum at every position, each row repeated <paramref name="times"/> times.</summary>
    int[] OnePerRow(int[] data, int times)
    {
        var result = new int[data.Length * times * length];
        for (int s = 0; s < data.Length * times; s++) Array.Fill(result, data[s / times], s * length, length);
        return result;
    }

    (Tensor, int[]?) Repeat(Output output)
    {
        long rows = output.Value.shape[0];
        var value = output.Value.repeat_interleave(length, 0);
        if (output.CleanOn is null) return (value, null);
        var cleanOn = new int[output.CleanOn.Length * length];
        for (int s = 0; s < rows * length; s++) Array.Copy(output.CleanOn, (s / length) * length, cleanOn, s * length, length);
        return (value, cleanOn);
    }

    /// <summary>Row r's output at q from sub-row r·P + q: the diagonal of [rows, query, position, ...].</summary>
    Tensor AtOwnQuery(Tensor perQuery, int rows)
    {
        var shaped = perQuery.reshape([rows, length, length, .. perQuery.shape[2..]]);
        var diagonal = shaped.diagonal(0, 1, 2); // [rows, ..., P]
        return diagonal.movedim([-1L], [1L]).contiguous();
    }

    int[] AtOwnQuery(int[] perQuery)
    {
        var result = new int[perQuery.Length / length];
        for (int s = 0; s < result.Length; s++) result[s] = perQuery[s * length + s % length];
        return result;
    }

    /// <summary>[rows, P]: whether the reader reads the child at each position, resolved on the reader's world there.</summary>
    Tensor EdgeMask(PositionSet positions, int[] reader)
    {
        var flags = new bool[reader.Length];
        var resolved = new Dictionary<int, int[]>();
        for (int j = 0; j < reader.Length; j++)
        {
            if (!resolved.TryGetValue(reader[j], out var at)) resolved[reader[j]] = at = positions.Resolve(dataset.Datum(reader[j]));
            flags[j] = Array.BinarySearch(at, j % length) >= 0;
        }
        return tensor(flags, [reader.Length / length, length]);
    }
}
