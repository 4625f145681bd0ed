using CircuitDsl.Interventions.Metrics;

namespace CircuitDsl.Interventions.Statistics;

/// <summary>
/// Percentile bootstrap over examples: resample the reference examples with replacement, recompute the statistic
/// from the same resampled examples for every run it involves (paired), and take the 2.5% and 97.5% quantiles.
/// Every statistic of a seed draws the same resamples (<see cref="BootstrapResamples"/>), so a score set's
/// resampled means are computed once (<see cref="Resample"/>) and shared by every statistic that reads it.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 1000;

    /// <summary>A statistic of one or more per-example score sets over the same references (e.g. recovered fraction).</summary>
    public static Estimate Of(IReadOnlyList<ExampleScores> scores, Func<double[], double> statistic, long seed, int resamples = DefaultResamples) =>
        Of(scores, scores.Select(s => Resample(s, seed, resamples)).ToArray(), statistic, resamples);

    /// <summary>
    /// As <see cref="Of(IReadOnlyList{ExampleScores}, Func{double[], double}, long, int)"/>, given each score set's
    /// resampled means (<see cref="Resample"/> with the same seed and count).
    /// </summary>
    public static Estimate Of(IReadOnlyList<ExampleScores> scores, IReadOnlyList<double[]> resampled, Func<double[], double> statistic, int resamples)
    {
        int n = scores[0].Examples;
        if (scores.Any(s => s.Examples != n)) throw new ArgumentException("paired scores must cover the same examples");
        if (resampled.Count != scores.Count || resampled.Any(r => r.Length != resamples)) throw new ArgumentException("one resampled mean per resample and score set expected");
        double point = statistic(scores.Select(s => s.Mean).ToArray());
        var draws = new double[resamples];
        var values = new double[scores.Count]; // handed to the statistic, which reads it and keeps nothing
        for (int b = 0; b < resamples; b++)
        {
            for (int s = 0; s < values.Length; s++) values[s] = resampled[s][b];
            draws[b] = statistic(values);
        }
        // The finite draws, compacted in place (no second array: this runs for every statistic of every check).
        int count = 0;
        foreach (double d in draws)
            if (double.IsFinite(d)) draws[count++] = d;
        var finite = draws.AsSpan(0, count);
        double low = finite.Length == 0 ? double.NaN : Quantile(finite, 0.025);
        double high = finite.Length == 0 ? double.NaN : Quantile(finite, 0.975);
        return new Estimate(point, low, high, n, scores[0].Positions, $"bootstrap 95% percentile, {resamples} resamples");
    }

    public static Estimate Mean(ExampleScores scores, long seed, int resamples = DefaultResamples) =>
        Of([scores], v => v[0], seed, resamples);

    /// <summary>
    /// The score set's mean (sum of sums over sum of counts) on each of the seed's resamples: Σ_j sums[i_j] / Σ_j
    /// counts[i_j] over the resample's draws i_1..i_n, in draw order.
    /// </summary>
    public static double[] Resample(ExampleScores scores, long seed, int resamples = DefaultResamples) =>
        BootstrapResamples.For(seed, scores.Examples, resamples).Means(scores.Sums, scores.Counts);

    /// <summary>The q-quantile as the sorted values would give it (linear between the two nearest ranks), by selection.</summary>
    static double Quantile(Span<double> values, double q)
    {
        double index = q * (values.Length - 1);
        int lo = (int)Math.Floor(index), hi = (int)Math.Ceiling(index);
        double below = OrderStatistic.Select(values, lo);
        double above = hi == lo ? below : OrderStatistic.Select(values, hi);
        return below + (above - below) * (index - lo);
    }
}
