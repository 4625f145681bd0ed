using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>
/// One batch of references with what every method reads: the clean tokens and logits, every sender's clean write and
/// what an ablated edge carries instead (the counterfactual run's write, the pool mean, or zero), all [senders, B, pos, d].
/// </summary>
internal sealed class DiscoveryBatch : IDisposable
{
    public required Tensor Tokens { get; init; }
    public required IReadOnlyList<Example> Examples { get; init; }
    public required Tensor CleanLogits { get; init; }
    public required Tensor Clean { get; init; }
    public required Tensor Source { get; init; }

    /// <summary>The clean residual stream at the start of each layer, and the final one: [layers + 1, B, pos, d].</summary>
    public required Tensor Residuals { get; init; }

    /// <summary>In a per-position graph, each position's bucket, one-hot: [B, pos, buckets]; null otherwise.</summary>
    public Tensor? Buckets { get; init; }

    public void Dispose()
    {
        Tokens.Dispose();
        CleanLogits.Dispose();
        Clean.Dispose();
        Source.Dispose();
        Residuals.Dispose();
        Buckets?.Dispose();
    }

    // x_new is chosen as `circuit check` chooses it: each example's own counterfactual (paired), or a pool example
    // drawn per reference from the seed's "counterfactual" stream.
    /// <summary>
    /// Every batch of the data with its cached writes; <paramref name="forwards"/> counts the forward passes made. With
    /// <paramref name="cleanRun"/> the clean run is that function's (given the tokens, the examples, what an ablated
    /// edge carries and the positions' buckets), which must record what <see cref="SenderOutputs.Run(HookedTransformer, EdgeGraph, Tensor)"/> records:
    /// EAP's gradient forward, which is the clean run, so that the caches cost no forward of their own.
    /// </summary>
    public static List<DiscoveryBatch> All(HookedTransformer model, EdgeGraph graph, DiscoverySettings settings, out int forwards,
        Func<Tensor, IReadOnlyList<Example>, Tensor, Tensor?, (Tensor Logits, Tensor Writes, Tensor Residuals)>? cleanRun = null)
    {
        var data = settings.Data;
        var counterfactual = new int[data.Count];
        var random = SplitMix64.For(settings.Seed, "counterfactual");
        for (int i = 0; i < data.Count; i++) counterfactual[i] = data.PoolDatum(random.Next(data.Pool.Count));
        forwards = 0;
        using var mean = settings.Ablation == EdgeAblation.Mean ? PoolMean(model, graph, settings, ref forwards) : null;

        var batches = new List<DiscoveryBatch>();
        try
        {
            foreach (var (start, end) in TokenBatch.Ranges(data.Count, settings.BatchSize))
            {
                using var scope = NewDisposeScope();
                var references = TokenBatch.Range(start, end);
                var examples = references.Select(i => data.Examples[i]).ToArray();
                var tokens = TokenBatch.Of(data, references);
                long[] shape = [graph.Senders.Length, tokens.shape[0], tokens.shape[1], model.Config.DModel];
                Tensor source;
                switch (settings.Ablation)
                {
                    case EdgeAblation.Counterfactual:
                        var corrupted = settings.Counterfactual == CounterfactualSource.Paired
                            ? TokenBatch.Of(data, references, counterfactual: true)
                            : TokenBatch.Of(data, counterfactual[start..end]);
                        source = SenderOutputs.Writes(model, graph, corrupted);
                        forwards++;
                        break;
                    case EdgeAblation.Mean:
                        source = mean!.unsqueeze(1).expand(shape).contiguous();
                        break;
                    default:
                        source = zeros(shape, device: tokens.device);
                        break;
                }
                var buckets = graph.Positions is { } positions ? BucketsOf(positions, examples) : null;
                var (logits, clean, residuals) = cleanRun is null ? SenderOutputs.Run(model, graph, tokens) : cleanRun(tokens, examples, source, buckets);
                if (cleanRun is null) forwards++; // otherwise the forward is the caller's (EAP's), counted there
                batches.Add(new DiscoveryBatch
                {
                    Tokens = tokens.DetachFromDisposeScope(),
                    Examples = examples,
                    CleanLogits = logits.DetachFromDisposeScope(),
                    Clean = clean.DetachFromDisposeScope(),
                    Source = source.DetachFromDisposeScope(),
                    Residuals = residuals.DetachFromDisposeScope(),
                    Buckets = buckets?.DetachFromDisposeScope(),
                });
            }
            return batches;
        }
        catch
        {
            foreach (var b in batches) b.Dispose();
            throw;
        }
    }

    /// <summary>Each position's bucket of <paramref name="examples"/>, one-hot: [B, pos, buckets] in float32.</summary>
    static Tensor BucketsOf(EdgePositions positions, IEnumerable<Example> examples)
    {
        var buckets = examples.Select(positions.BucketsOf).ToArray();
        var flat = buckets.SelectMany(b => b.Select(k => (long)k)).ToArray();
        using var indices = tensor(flat).view(buckets.Length, buckets[0].Length);
        return nn.functional.one_hot(indices, positions.Count).to(ScalarType.Float32);
    }

    /// <summary>Every sender's write averaged over the counterfactual pool, per position: [senders, pos, d], accumulated in float64.</summary>
    static Tensor PoolMean(HookedTransformer model, EdgeGraph graph, DiscoverySettings settings, ref int forwards)
    {
        var pool = settings.Data.Pool;
        Tensor? sum = null;
        foreach (var (start, end) in TokenBatch.Ranges(pool.Count, settings.BatchSize))
        {
            using var scope = NewDisposeScope();
            var data = TokenBatch.Range(start, end).Select(settings.Data.PoolDatum).ToArray();
            var writes = SenderOutputs.Writes(model, graph, TokenBatch.Of(settings.Data, data)).to(ScalarType.Float64).sum(1);
            forwards++;
            var total = sum is null ? writes : sum + writes;
            sum?.Dispose();
            sum = total.MoveToOuterDisposeScope();
        }
        using (sum)
            return (sum! / pool.Count).to(ScalarType.Float32);
    }
}
