using System.Diagnostics;
using System.Globalization;

namespace CircuitDsl.Benchmarks;

/// <summary>Times alternatives side by side: interleaved repetitions after a warm-up, reporting medians.</summary>
public static class Timing
{
    public static IReadOnlyList<double> MedianMilliseconds(int repetitions, params Action[] alternatives) =>
        MedianMilliseconds(repetitions, warmUp: true, alternatives);

    /// <param name="warmUp">Whether to run each alternative once first; false when the caller warmed them up on a smaller case.</param>
    public static IReadOnlyList<double> MedianMilliseconds(int repetitions, bool warmUp, params Action[] alternatives)
    {
        if (warmUp)
            foreach (var run in alternatives) run(); // warm-up: allocator, lazy native state
        var samples = alternatives.Select(_ => new List<double>()).ToArray();
        for (int r = 0; r < repetitions; r++)
            for (int i = 0; i < alternatives.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                alternatives[i]();
                samples[i].Add(clock.Elapsed.TotalMilliseconds);
            }
        return samples.Select(s => s.Order().ElementAt(s.Count / 2)).ToArray();
    }

    public static string F(double value, string format = "0.00") => value.ToString(format, CultureInfo.InvariantCulture);
}
