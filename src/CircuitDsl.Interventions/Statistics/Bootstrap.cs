using CircuitDsl.Interventions.Metrics;

namespace CircuitDsl.Interventions.Statistics;

/// <summary>
/// Percentile bootstrap over examples: resample the reference examples with replacement, recompute the statistic
/// from the same resampled examples for every run it involves (paired), and take the 2.5% and 97.5% quantiles.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 1000;

    /// <summary>A statistic of one or more per-example score sets over the same references (e.g. recovered fraction).</summary>
    public static Estimate Of(IReadOnlyList<ExampleScores> scores, Func<double[], double> statistic, long seed, int resamples = DefaultResamples)
    {
        int n = scores[0].Examples;
        if (scores.Any(s => s.Examples != n)) throw new ArgumentException("paired scores must cover the same examples");
        var all = Enumerable.Range(0, n).ToArray();
        double point = statistic(scores.Select(s => s.Ratio(all)).ToArray());
        var random = SplitMix64.For(seed, "bootstrap");
        var draws = new double[resamples];
        var sample = new int[n];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < n; i++) sample[i] = random.Next(n);
            draws[b] = statistic(scores.Select(s => s.Ratio(sample)).ToArray());
        }
        var finite = draws.Where(double.IsFinite).Order().ToArray();
        double low = finite.Length == 0 ? double.NaN : Quantile(finite, 0.025);
        double high = finite.Length == 0 ? double.NaN : Quantile(finite, 0.975);
        return new Estimate(point, low, high, n, scores[0].Positions, $"bootstrap 95% percentile, {resamples} resamples");
    }

    public static Estimate Mean(ExampleScores scores, long seed, int resamples = DefaultResamples) =>
        Of([scores], v => v[0], seed, resamples);

    static double Quantile(double[] sorted, double q)
    {
        double index = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(index), hi = (int)Math.Ceiling(index);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (index - lo);
    }
}
