namespace CircuitDsl.Interventions.Statistics;

/// <summary>
/// The bootstrap's resamples for a seed and a number of examples: resample b draws n example indices uniformly with
/// replacement from <c>SplitMix64.For(seed, "bootstrap")</c>, resamples one after another. Every statistic of the seed
/// reads the same draws, so they are drawn once and kept (the most recent set, up to <see cref="MaxKeptDraws"/>
/// indices); beyond that they are drawn again for each use, giving the same indices in the same order.
/// </summary>
internal sealed class BootstrapResamples
{
    /// <summary>The most draws kept (16 MB of indices): 1,000 resamples of 4,096 examples.</summary>
    public const long MaxKeptDraws = 1L << 22;

    static readonly Lock Gate = new();
    static BootstrapResamples? last;

    readonly long seed;
    readonly int examples, resamples;
    readonly int[]? kept; // resample b's draws at [b·n, (b+1)·n)

    BootstrapResamples(long seed, int examples, int resamples, bool keep)
    {
        (this.seed, this.examples, this.resamples) = (seed, examples, resamples);
        if (!keep) return;
        kept = new int[(long)examples * resamples];
        var random = SplitMix64.For(seed, "bootstrap");
        for (int i = 0; i < kept.Length; i++) kept[i] = random.Next(examples);
    }

    public static BootstrapResamples For(long seed, int examples, int resamples)
    {
        if (examples < 0) throw new ArgumentOutOfRangeException(nameof(examples), examples, "must not be negative");
        if (resamples < 0) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "must not be negative");
        lock (Gate)
        {
            if (last is { } r && r.seed == seed && r.examples == examples && r.resamples == resamples) return r;
            return last = new BootstrapResamples(seed, examples, resamples, keep: (long)examples * resamples <= MaxKeptDraws);
        }
    }

    /// <summary>
    /// Σ_j sums[i_j] / Σ_j counts[i_j] over each resample's draws i_1..i_n, in draw order. The checks of a plan resample
    /// the same series again and again (every path check its clean and corrupted metric), so the most recent results are
    /// kept by the series' values: the same numbers, computed once.
    /// </summary>
    public double[] Means(double[] sums, int[] counts)
    {
        if (sums.Length != examples || counts.Length != examples) throw new ArgumentException($"{examples} examples expected");
        var key = new SeriesKey(sums, counts);
        lock (memo)
        {
            if (memo.TryGetValue(key, out var known)) return (double[])known.Clone();
        }
        var means = new double[resamples];
        if (kept is not null)
            for (int b = 0; b < resamples; b++) means[b] = Mean(kept.AsSpan(b * examples, examples), sums, counts);
        else
        {
            var random = SplitMix64.For(seed, "bootstrap");
            var draws = new int[examples];
            for (int b = 0; b < resamples; b++)
            {
                for (int i = 0; i < examples; i++) draws[i] = random.Next(examples);
                means[b] = Mean(draws, sums, counts);
            }
        }
        lock (memo)
        {
            if (memo.Count >= MaxKeptSeries) memo.Clear();
            memo[new SeriesKey((double[])sums.Clone(), (int[])counts.Clone())] = (double[])means.Clone();
        }
        return means;
    }

    /// <summary>The most series whose resampled means are kept.</summary>
    const int MaxKeptSeries = 64;

    readonly Dictionary<SeriesKey, double[]> memo = [];

    static double Mean(ReadOnlySpan<int> draws, double[] sums, int[] counts)
    {
        double sum = 0;
        long count = 0;
        foreach (int i in draws)
        {
            sum += sums[i];
            count += counts[i];
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>A series by its values (sums compared bit for bit).</summary>
    readonly struct SeriesKey(double[] sums, int[] counts) : IEquatable<SeriesKey>
    {
        readonly double[] sums = sums;
        readonly int[] counts = counts;

        public bool Equals(SeriesKey other) =>
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(sums.AsSpan()).SequenceEqual(System.Runtime.InteropServices.MemoryMarshal.AsBytes(other.sums.AsSpan()))
            && counts.AsSpan().SequenceEqual(other.counts);

        public override bool Equals(object? obj) => obj is SeriesKey k && Equals(k);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(sums.AsSpan()));
            h.AddBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(counts.AsSpan()));
            return h.ToHashCode();
        }
    }
}
