namespace CircuitDsl.Interventions.Statistics;

/// <summary>
/// The k-th smallest of finite values without sorting them all: a bootstrap interval reads four order statistics of
/// its 1,000 draws, for every statistic of every check. Quickselect with three-way partitions, so that runs of equal
/// draws (a statistic that does not move) take one pass. Reorders the span; returns the value a sort would put at k.
/// </summary>
internal static class OrderStatistic
{
    public static double Select(Span<double> values, int k)
    {
        if ((uint)k >= (uint)values.Length) throw new ArgumentOutOfRangeException(nameof(k), k, $"{values.Length} values");
        int lo = 0, hi = values.Length - 1;
        while (lo < hi)
        {
            double pivot = MedianOfThree(values[lo], values[lo + ((hi - lo) / 2)], values[hi]);
            // Afterwards [lo, less) < pivot, [less, greater] == pivot, (greater, hi] > pivot.
            int less = lo, i = lo, greater = hi;
            while (i <= greater)
            {
                double v = values[i];
                if (v < pivot)
                {
                    values[i++] = values[less];
                    values[less++] = v;
                }
                else if (v > pivot)
                {
                    values[i] = values[greater];
                    values[greater--] = v;
                }
                else i++;
            }
            if (k < less) hi = less - 1;
            else if (k > greater) lo = greater + 1;
            else return pivot;
        }
        return values[lo];
    }

    static double MedianOfThree(double a, double b, double c) => Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
