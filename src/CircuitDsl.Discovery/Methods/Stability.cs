using System.Collections.Immutable;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Discovery.Methods;

/// <summary>
/// How often each edge is selected when discovery runs again on bootstrap resamples of the data: the count of
/// resamples whose selection holds it, out of <see cref="Resamples"/>.
/// </summary>
public sealed record EdgeFrequencies(EdgeGraph Graph, int Resamples, long Seed, ImmutableArray<int> Selected)
{
    /// <summary>The fraction of resamples in which <paramref name="edge"/> was selected.</summary>
    public double this[Edge edge] => Frequency(Graph.IndexOf(edge));

    public double Frequency(int edge) => (double)Selected[edge] / Resamples;

    /// <summary>The edges selected in at least <paramref name="minimum"/> of the resamples, in graph order.</summary>
    public IReadOnlyList<Edge> AtLeast(double minimum) => [.. Graph.Edges.Where((_, i) => Frequency(i) >= minimum - 1e-12)];
}

/// <summary>
/// Selection stability (circuits found by EAP-IG are known to change across resamples of the data): discovery runs
/// again on K bootstrap resamples, each the data's N references drawn N times with replacement (resample k from the
/// seed's stream "bootstrap k", so the same seed gives the same resamples), with the same settings otherwise: the same
/// method, the same x_new rule and seed (drawn from the resample's pool when the pool is the references, else from
/// the data's pool) and the same selection rule, given as <c>select</c> (top N, a threshold, ACDC's verdict).
/// </summary>
public static class Stability
{
    /// <summary>The default least frequency an edge needs to stay in a stable draft: selected in half the resamples.</summary>
    public const double DefaultMinFrequency = 0.5;

    public static EdgeFrequencies Run(HookedTransformer model, DiscoverySettings settings, int resamples, Func<EdgeScores, IReadOnlyList<Edge>> select,
        Action<int>? progress = null)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "stability needs at least one resample");
        EdgeGraph? graph = null;
        int[]? selected = null;
        for (int k = 0; k < resamples; k++)
        {
            progress?.Invoke(k);
            using var discovery = EdgeDiscovery.ForRun(model, settings with { Data = Resample(settings.Data, settings.Seed, k) });
            graph ??= discovery.Graph;
            selected ??= new int[graph.Count];
            foreach (var edge in select(discovery.Run())) selected[graph.IndexOf(edge)]++;
        }
        return new EdgeFrequencies(graph!, resamples, settings.Seed, [.. selected!]);
    }

    /// <summary>Bootstrap resample <paramref name="k"/> of <paramref name="data"/>: its references drawn with replacement.</summary>
    public static Dataset Resample(Dataset data, long seed, int k)
    {
        var random = SplitMix64.For(seed, $"bootstrap {k}");
        var drawn = new Example[data.Count];
        for (int i = 0; i < drawn.Length; i++) drawn[i] = data.Examples[random.Next(data.Count)];
        return new Dataset(drawn, data.PoolIsReferences ? null : data.Pool, $"{data.Name} (bootstrap resample {k})");
    }
}
