namespace CircuitDsl.Interventions.Metrics;

/// <summary>
/// Per-example metric sums and position counts. The aggregate is the mean over every scored position
/// (sum of sums / sum of counts); the bootstrap resamples whole examples.
/// </summary>
public sealed class ExampleScores
{
    public ExampleScores(int count)
    {
        Sums = new double[count];
        Counts = new int[count];
    }

    public double[] Sums { get; }
    public int[] Counts { get; }
    public int Examples => Sums.Length;
    public int Positions => Counts.Sum();

    public double Mean => Ratio(Enumerable.Range(0, Examples));

    public double Ratio(IEnumerable<int> examples)
    {
        double sum = 0;
        long count = 0;
        foreach (int i in examples)
        {
            sum += Sums[i];
            count += Counts[i];
        }
        return count == 0 ? double.NaN : sum / count;
    }

    /// <summary>The per-example mean (NaN where an example has no scored position).</summary>
    public double PerExample(int i) => Counts[i] == 0 ? double.NaN : Sums[i] / Counts[i];

    internal void Set(int offset, double[] sums, int[] counts)
    {
        sums.CopyTo(Sums, offset);
        counts.CopyTo(Counts, offset);
    }
}
