using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Tests;

public class ParensTaskTests
{
    static bool[] Parse(string parens) => parens.Select(c => c == '(').ToArray();

    [Test]
    public void TheLayoutIsStartParenthesesPaddingEnd()
    {
        var e = new ParensExample(Parse("(()"), maxLength: 6);
        Assert.That(e.Tokens, Is.EqualTo(new[] { ParensTask.Start, ParensTask.Open, ParensTask.Open, ParensTask.Close, ParensTask.Pad, ParensTask.Pad, ParensTask.Pad, ParensTask.End }));
        Assert.That(e.EndPosition, Is.EqualTo(7));
    }

    [TestCase("(())()", true, true, true, true)]
    [TestCase(")(()", true, false, false, false)]
    [TestCase("())(", true, true, false, false)]
    [TestCase("(()", false, true, true, false)]
    [TestCase("))", false, false, false, false)]
    public void FeaturesAreChanEtAls(string parens, bool equalCount, bool startsOpen, bool neverNegative, bool balanced)
    {
        var e = new ParensExample(Parse(parens), maxLength: 8);
        Assert.That((e.EqualCount, e.StartsOpen, e.NeverNegative, e.IsBalanced), Is.EqualTo((equalCount, startsOpen, neverNegative, balanced)));
        Assert.That(e.Label, Is.EqualTo(balanced ? ParensTask.Balanced : ParensTask.Unbalanced));
    }

    [Test]
    public void NegativePositionsAreWhereTheNestingHasGoneBelowZero()
    {
        var e = new ParensExample(Parse("())()("), maxLength: 8);
        Assert.That(e.Nesting, Is.EqualTo(new[] { 1, 0, -1, 0, -1, 0 }));
        Assert.That(e.NegativePositions, Is.EqualTo(new[] { 3, 5 }));
    }

    [Test]
    public void SameSeedSameExamplesOtherSeedOtherExamples()
    {
        var a = new ParensTask().Generate(40, 3).Select(e => e.Tokens);
        var b = new ParensTask().Generate(40, 3).Select(e => e.Tokens);
        var c = new ParensTask().Generate(40, 4).Select(e => e.Tokens);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void AboutHalfAreBalancedAndTheFeaturesAreNotConfounded()
    {
        var task = new ParensTask(20);
        var examples = task.Generate(3000, 7);
        Assert.That(examples.Select(e => e.Tokens.Length), Has.All.EqualTo(task.SequenceLength));
        Assert.That(examples.Count(e => e.IsBalanced) / 3000.0, Is.InRange(0.46, 0.54));
        // Each way of being unbalanced appears, so no feature stands in for the label.
        Assert.That(examples.Count(e => e.EqualCount && !e.NeverNegative), Is.GreaterThan(300));
        Assert.That(examples.Count(e => !e.EqualCount && e.NeverNegative), Is.GreaterThan(300));
        Assert.That(examples.Count(e => e.EqualCount && !e.StartsOpen), Is.GreaterThan(100));
        Assert.That(examples.Select(e => e.Opens.Length).Distinct().Count(), Is.EqualTo(20));
    }

    [Test]
    public void BalancedStringsOfOneLengthAreDrawnUniformly()
    {
        // Length 4 has two balanced strings, (()) and ()(); length 2 has one.
        var counts = new ParensTask(4).Generate(4000, 5).Where(e => e.IsBalanced && e.Opens.Length == 4)
            .GroupBy(e => e.ToString()).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(counts.Keys, Is.EquivalentTo(new[] { "(())", "()()" }));
        Assert.That(counts["(())"] / (double)(counts["(())"] + counts["()()"]), Is.InRange(0.44, 0.56));
    }

    [Test]
    public void DataAnswerWithTheTrueLabelAndNameTheFeatures()
    {
        var task = new ParensTask(10);
        var data = ParensData.Create(task, 200, 1);
        var generated = task.Generate(200, 1);
        for (int i = 0; i < data.Count; i++)
        {
            var (example, e) = (data.Examples[i], generated[i]);
            Assert.That((example.Answer, example.WrongAnswer), Is.EqualTo(((int?)e.Label, (int?)e.WrongLabel)));
            Assert.That(example.NamedPositions("END"), Is.EqualTo(new[] { 11 }));
            Assert.That(example.NamedPositions("negative"), Is.EqualTo(e.NegativePositions.ToArray()));
            Assert.That(example.NamedPositions("open").Concat(example.NamedPositions("close")).Order(), Is.EqualTo(Enumerable.Range(1, e.Opens.Length)));
            Assert.That(example.NamedPositions("equal_count").Length == 1, Is.EqualTo(e.EqualCount));
            Assert.That(example.NamedPositions("starts_open").Length == 1, Is.EqualTo(e.StartsOpen));
            Assert.That(example.NamedPositions("never_negative").Length == 1, Is.EqualTo(e.NeverNegative));
        }
        Assert.That(ParensData.PositionNames, Is.EquivalentTo(data.Examples[0].PositionNames));
    }
}
