namespace CircuitDsl.Interventions.Statistics;

/// <summary>
/// Steele, Lea and Flood's SplitMix64, the one generator of the project: every draw of the engine
/// (resampling, shuffles, bootstrap) and of the zoo's tasks is fixed by the seed on every machine and .NET release.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    ulong state = seed;

    public ulong NextUInt64()
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound) without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int Next(int bound)
    {
        if (bound <= 0) throw new ArgumentOutOfRangeException(nameof(bound), bound, "must be positive");
        ulong threshold = (0UL - (ulong)bound) % (ulong)bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 product = (UInt128)r * (ulong)bound;
            if ((ulong)product >= threshold) return (int)(product >> 64);
        }
    }

    /// <summary>Uniform in [min, max] inclusive.</summary>
    public int NextInclusive(int min, int max) => min + Next(max - min + 1);

    /// <summary>A generator for a sub-stream (e.g. one check), independent of how much the parent has drawn.</summary>
    public static SplitMix64 For(long seed, string stream)
    {
        ulong h = 1469598103934665603UL;
        foreach (char c in stream) h = (h ^ c) * 1099511628211UL;
        return new SplitMix64((ulong)seed ^ h);
    }
}
