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

    /// <summary>Calls <paramref name="use"/> with each resample's number and its draws (valid during the call only).</summary>
    public void ForEach(ResampleAction use)
    {
        if (kept is not null)
        {
            for (int b = 0; b < resamples; b++) use(b, kept.AsSpan(b * examples, examples));
            return;
        }
        var random = SplitMix64.For(seed, "bootstrap");
        var draws = new int[examples];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < examples; i++) draws[i] = random.Next(examples);
            use(b, draws);
        }
    }
}

/// <summary>What <see cref="BootstrapResamples.ForEach"/> calls per resample: its number and its draws.</summary>
internal delegate void ResampleAction(int resample, ReadOnlySpan<int> draws);
