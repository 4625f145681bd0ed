using CircuitDsl.Interventions.Plan;

namespace CircuitDsl.Interventions.Tests.Plan;

/// <summary>Statistics are spelled in one place, as reports always spelled them, and read back the same way.</summary>
public class StatisticTests
{
    static IEnumerable<Statistic> Every() => Enum.GetValues<Statistic>();

    [TestCaseSource(nameof(Every))]
    public void EveryStatisticReadsBackFromItsSpelling(Statistic statistic)
    {
        Assert.That(StatisticSpellings.TryParse(statistic.Spelling(), out var read), Is.True, statistic.Spelling());
        Assert.That(read, Is.EqualTo(statistic));
    }

    [Test]
    public void TheSpellingsAreTheLowercaseWordsReportsHaveAlwaysUsed() =>
        Assert.That(Every().Select(s => s.Spelling()),
            Is.EqualTo(new[] { "recovers", "effect", "metric", "model", "baseline", "corrupted", "iia", "fraction", "faithfulness" }));

    [TestCase("Recovers")]
    [TestCase("recovers ")]
    [TestCase("")]
    [TestCase("accuracy")]
    public void AnythingElseIsNoStatistic(string spelling) =>
        Assert.That(StatisticSpellings.TryParse(spelling, out _), Is.False);

    [Test]
    public void AHandBuiltExpectationIsIdentifiedByItsStatement()
    {
        Assert.That(new Expectation(Statistic.Recovers, ComparisonOperator.GreaterOrEqual, 0.9, "expect scrub recovers >= 0.90").Id,
            Is.EqualTo(new ExpectationId("scrub recovers >= 0.90")));
        Assert.That(new Expectation(Statistic.Iia, ComparisonOperator.Less, 0.5).Id, Is.EqualTo(new ExpectationId("iia < 0.5")));
    }
}
