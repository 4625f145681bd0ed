using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Interventions.Tests.Metrics;

/// <summary>Selection against the sorted values, on the shapes bootstrap draws take: distinct, tied, constant, tiny.</summary>
[TestFixture]
public class OrderStatisticTests
{
    static IEnumerable<TestCaseData> Sets()
    {
        var random = new SplitMix64(7);
        yield return new TestCaseData(Enumerable.Range(0, 1000).Select(_ => random.Next(1_000_000) / 1e3 - 500).ToArray()).SetArgDisplayNames("distinct");
        yield return new TestCaseData(Enumerable.Range(0, 1000).Select(_ => (double)random.Next(5)).ToArray()).SetArgDisplayNames("five values");
        yield return new TestCaseData(Enumerable.Repeat(-0.25, 1000).ToArray()).SetArgDisplayNames("constant");
        yield return new TestCaseData(Enumerable.Range(0, 999).Select(i => (double)i).ToArray()).SetArgDisplayNames("ascending");
        yield return new TestCaseData(Enumerable.Range(0, 999).Select(i => (double)-i).ToArray()).SetArgDisplayNames("descending");
        yield return new TestCaseData(new[] { 3.0 }).SetArgDisplayNames("one");
        yield return new TestCaseData(new[] { 2.0, -1.0 }).SetArgDisplayNames("two");
    }

    [TestCaseSource(nameof(Sets))]
    public void EveryRankIsTheSortedValue(double[] values)
    {
        var sorted = values.Order().ToArray();
        for (int k = 0; k < values.Length; k++)
            Assert.That(OrderStatistic.Select((double[])values.Clone(), k), Is.EqualTo(sorted[k]), $"rank {k}");
    }

    [Test]
    public void SelectingAgainInTheReorderedValuesStillGivesTheRank()
    {
        var random = new SplitMix64(3);
        var values = Enumerable.Range(0, 500).Select(_ => random.Next(100) / 7.0).ToArray();
        var sorted = values.Order().ToArray();
        foreach (int k in new[] { 12, 13, 486, 487 }) // the bootstrap's four ranks, in its order, on one array
            Assert.That(OrderStatistic.Select(values, k), Is.EqualTo(sorted[k]));
    }

    [Test]
    public void ARankOutsideTheValuesIsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistic.Select(new double[3], 3));
}
