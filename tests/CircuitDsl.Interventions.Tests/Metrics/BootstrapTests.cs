using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Interventions.Tests.Metrics;

/// <summary>The bootstrap that draws each seed's resamples once and shares them against the one that draws them per statistic.</summary>
[TestFixture]
public class BootstrapTests
{
    static ExampleScores Scores(int n, ulong seed)
    {
        var random = new SplitMix64(seed);
        var scores = new ExampleScores(n);
        for (int i = 0; i < n; i++)
        {
            scores.Counts[i] = random.Next(4); // some examples without a scored position
            scores.Sums[i] = scores.Counts[i] * (random.Next(1000) / 250.0 - 2);
        }
        return scores;
    }

    /// <summary>The percentile bootstrap as it was written before the resamples were shared: draws per statistic, in draw order.</summary>
    static (double Value, double Low, double High) Reference(IReadOnlyList<ExampleScores> scores, Func<double[], double> statistic, long seed, int resamples)
    {
        int n = scores[0].Examples;
        double point = statistic(scores.Select(s => s.Ratio(Enumerable.Range(0, n))).ToArray());
        var random = SplitMix64.For(seed, "bootstrap");
        var draws = new double[resamples];
        var sample = new int[n];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < n; i++) sample[i] = random.Next(n);
            draws[b] = statistic(scores.Select(s => s.Ratio(sample)).ToArray());
        }
        var finite = draws.Where(double.IsFinite).Order().ToArray();
        double Quantile(double q)
        {
            double index = q * (finite.Length - 1);
            int lo = (int)Math.Floor(index), hi = (int)Math.Ceiling(index);
            return finite[lo] + (finite[hi] - finite[lo]) * (index - lo);
        }
        return (point, Quantile(0.025), Quantile(0.975));
    }

    // 4,200 examples × 1,000 resamples is more than the draws kept, so those resamples are drawn again for every use.
    [TestCase(128, 1000)]
    [TestCase(7, 200)]
    [TestCase(4200, 1000)]
    public void SharedResamplesGiveExactlyTheNumbersOfResamplingPerStatistic(int n, int resamples)
    {
        var (patched, clean, corrupted) = (Scores(n, 1), Scores(n, 2), Scores(n, 3));
        Func<double[], double> effect = x => (x[0] - x[1]) / (x[1] - x[2]);
        foreach (long seed in n > 1000 ? new long[] { 3 } : [3, 11])
        {
            var expected = Reference([patched, clean, corrupted], effect, seed, resamples);
            var actual = Bootstrap.Of([patched, clean, corrupted], effect, seed, resamples);
            Assert.That((actual.Value, actual.Low, actual.High), Is.EqualTo(expected), $"seed {seed}");
            var mean = Bootstrap.Mean(clean, seed, resamples);
            Assert.That((mean.Value, mean.Low, mean.High), Is.EqualTo(Reference([clean], x => x[0], seed, resamples)));
            // Means resampled once and shared give the same estimate as resampling for this statistic alone.
            var shared = Bootstrap.Of([patched, clean, corrupted], [Bootstrap.Resample(patched, seed, resamples), Bootstrap.Resample(clean, seed, resamples), Bootstrap.Resample(corrupted, seed, resamples)], effect, resamples);
            Assert.That(shared, Is.EqualTo(actual));
        }
    }

    [Test]
    public void ResampledMeansMatchTheirSeedOnly()
    {
        var scores = Scores(50, 4);
        var first = Bootstrap.Resample(scores, 5, 100);
        Bootstrap.Resample(scores, 7, 30); // another seed's draws in between
        Assert.That(Bootstrap.Resample(scores, 5, 100), Is.EqualTo(first));
        Assert.That(Bootstrap.Resample(scores, 5, 100), Is.Not.EqualTo(Bootstrap.Resample(scores, 6, 100)));
        Assert.That(Bootstrap.Resample(scores, 5, 100).Take(50), Is.EqualTo(Bootstrap.Resample(scores, 5, 50)), "a resample's draws do not depend on how many follow it");
    }

    [Test]
    public void ASeriesResampledAgainIsKnownByItsValuesNotByItsArray()
    {
        var scores = Scores(128, 9);
        var first = Bootstrap.Resample(scores, 5);
        var copy = new ExampleScores(128);
        scores.Sums.CopyTo(copy.Sums, 0);
        scores.Counts.CopyTo(copy.Counts, 0);
        Assert.That(Bootstrap.Resample(copy, 5), Is.EqualTo(first), "another array with the same values");
        var (value, low, high) = Reference([copy], v => v[0], 5, Bootstrap.DefaultResamples);
        var estimate = Bootstrap.Mean(copy, 5);
        Assert.That((estimate.Value, estimate.Low, estimate.High), Is.EqualTo((value, low, high)));
        // One sum changed in place, then one count: each is another series, whose interval moves.
        scores.Sums[17] += 50;
        var changed = Reference([scores], v => v[0], 5, Bootstrap.DefaultResamples);
        var again = Bootstrap.Mean(scores, 5);
        Assert.That((again.Value, again.Low, again.High), Is.EqualTo(changed));
        Assert.That(again.High, Is.Not.EqualTo(estimate.High));
        copy.Counts[3] += 1;
        var recounted = Reference([copy], v => v[0], 5, Bootstrap.DefaultResamples);
        var third = Bootstrap.Mean(copy, 5);
        Assert.That((third.Value, third.Low, third.High), Is.EqualTo(recounted));
        Assert.That(third.Value, Is.Not.EqualTo(estimate.Value));
        var returned = Bootstrap.Resample(copy, 5);
        returned[0] = double.NaN;
        Assert.That(Bootstrap.Resample(copy, 5)[0], Is.Not.NaN, "a caller's changes to its means do not reach the next caller");
    }
}
