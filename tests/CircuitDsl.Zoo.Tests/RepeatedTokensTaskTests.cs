using CircuitDsl.Zoo.Tasks;
using CircuitDsl.Interventions.Statistics;

namespace CircuitDsl.Zoo.Tests;

public class RepeatedTokensTaskTests
{
    static readonly RepeatedTokensTask Task = new();

    [Test]
    public void SameSeedSameExamplesOtherSeedOtherExamples()
    {
        var a = Task.Generate(50, seed: 3);
        var b = Task.Generate(50, seed: 3);
        var c = Task.Generate(50, seed: 4);
        Assert.That(a.Select(e => e.Tokens), Is.EqualTo(b.Select(e => e.Tokens)));
        Assert.That(a.Select(e => e.Tokens), Is.Not.EqualTo(c.Select(e => e.Tokens)));
    }

    [Test]
    public void APrefixOfVaryingLengthRepeatsToTheEnd()
    {
        var examples = Task.Generate(400, seed: 5);
        foreach (var e in examples)
        {
            Assert.That(e.PrefixLength, Is.InRange(Task.MinPrefix, Task.MaxPrefix));
            for (int t = e.PrefixLength; t < e.Tokens.Length; t++)
                Assert.That(e.Tokens[t], Is.EqualTo(e.Tokens[t - e.PrefixLength]));
        }
        // The period must vary, or a head could copy by position alone.
        Assert.That(examples.Select(e => e.PrefixLength).Distinct().Count(), Is.EqualTo(Task.MaxPrefix - Task.MinPrefix + 1));
    }

    [Test]
    public void PreviousOccurrencePointsAtTheLastEarlierCopy()
    {
        var e = new RepeatedTokensExample([5, 6, 5, 7, 6, 5], prefixLength: 6);
        Assert.That(e.PreviousOccurrence, Is.EqualTo(new[] { -1, -1, 0, -1, 1, 2 }));
    }

    [Test]
    public void RepeatedPositionsAreExactlyThoseWhoseNextTokenIsACopy()
    {
        var e = new RepeatedTokensExample([1, 2, 3, 1, 2, 3, 1], prefixLength: 3);
        Assert.That(e.RepeatedPositions, Is.EqualTo(new[] { 3, 4, 5 }));
        Assert.That(e.FirstOccurrencePositions, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void SplitMixIsUniformEnoughAndStable()
    {
        var random = new SplitMix64(42);
        Assert.That(random.NextUInt64(), Is.EqualTo(0xBDD732262FEB6E95UL)); // SplitMix64's published sequence for seed 42
        var counts = new int[8];
        for (int i = 0; i < 80_000; i++) counts[random.Next(8)]++;
        Assert.That(counts, Has.All.InRange(9_500, 10_500));
    }
}
