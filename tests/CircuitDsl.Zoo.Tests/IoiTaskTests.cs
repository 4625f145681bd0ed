using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Tests;

public class IoiTaskTests
{
    static IoiTemplate Template(string name) => IoiTemplates.All.Single(t => t.Name == name);

    [Test]
    public void BabaPutsTheSubjectFirstAndNamesItsPositions()
    {
        var e = new IoiExample(Template("BABA-1"), "Mary", "John", "store", "drink", ("Alice", "Bob", "Sarah"));
        Assert.That(string.Join(' ', e.Words), Is.EqualTo("<bos> Then , John and Mary went to the store . John gave a drink to"));
        Assert.That((e.S1Position, e.IoPosition, e.S2Position, e.EndPosition), Is.EqualTo((3, 5, 11, 15)));
        Assert.That(string.Join(' ', e.AbcWords), Is.EqualTo("<bos> Then , Alice and Bob went to the store . Sarah gave a drink to"));
    }

    [Test]
    public void AbbaPutsTheIndirectObjectFirst()
    {
        var e = new IoiExample(Template("ABBA-2"), "Mary", "John", "park", "ring", ("Alice", "Bob", "Sarah"));
        Assert.That(string.Join(' ', e.Words), Is.EqualTo("<bos> When Mary and John got a ring at the park , John gave it to"));
        Assert.That((e.IoPosition, e.S1Position, e.S2Position, e.EndPosition), Is.EqualTo((2, 4, 12, 15)));
    }

    [Test]
    public void EveryTemplateMakesPromptsOfOneLengthFromOneVocabulary()
    {
        foreach (var template in IoiTemplates.All)
        {
            var e = new IoiExample(template, "Mary", "John", "store", "drink", ("Alice", "Bob", "Sarah"));
            Assert.That(e.Tokens, Has.Length.EqualTo(IoiTemplates.PromptLength), template.Name);
            Assert.That(e.Tokens, Has.All.InRange(0, IoiVocabulary.Size - 1), template.Name);
        }
        Assert.That(IoiVocabulary.Words.Distinct().Count(), Is.EqualTo(IoiVocabulary.Size), "a word listed twice would have two ids");
    }

    [Test]
    public void SameSeedSameExamplesOtherSeedOtherExamples()
    {
        var a = new IoiTask().Generate(40, 3).Select(e => e.Tokens);
        var b = new IoiTask().Generate(40, 3).Select(e => e.Tokens);
        var c = new IoiTask().Generate(40, 4).Select(e => e.Tokens);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void NamedPositionsHoldTheNamesAndTheAnswersAreIoAndS()
    {
        foreach (var e in new IoiTask().Generate(300, 9))
        {
            Assert.That(e.IndirectObject, Is.Not.EqualTo(e.Subject));
            Assert.That(e.Tokens[e.IoPosition], Is.EqualTo(e.IndirectObjectToken));
            Assert.That(e.Tokens[e.S1Position], Is.EqualTo(e.SubjectToken));
            Assert.That(e.Tokens[e.S2Position], Is.EqualTo(e.SubjectToken));
            Assert.That(e.EndPosition, Is.EqualTo(e.Tokens.Length - 1));
            Assert.That(e.S1Position < e.IoPosition, Is.EqualTo(e.Template.Order == IoiOrder.Baba), e.ToString());
        }
    }

    [Test]
    public void TheAbcCounterfactualChangesOnlyTheNamesToThreeOtherDistinctNames()
    {
        foreach (var e in new IoiTask().Generate(300, 10))
        {
            int[] names = [e.IoPosition, e.S1Position, e.S2Position];
            var changed = Enumerable.Range(0, e.Tokens.Length).Where(p => e.Tokens[p] != e.AbcTokens[p]);
            Assert.That(changed, Is.EquivalentTo(names), e.ToString());
            var abc = names.Select(p => e.AbcWords[p]).ToArray();
            Assert.That(abc, Is.Unique.And.All.Matches<string>(n => IoiVocabulary.Names.Contains(n) && n != e.IndirectObject && n != e.Subject));
        }
    }

    [TestCase("baba", IoiOrder.Baba)]
    [TestCase("abba", IoiOrder.Abba)]
    public void ATemplateFamilyDrawsOnlyItsOrder(string family, IoiOrder order)
    {
        var examples = new IoiTask(family).Generate(100, 1);
        Assert.That(examples.Select(e => e.Template.Order), Has.All.EqualTo(order));
        Assert.That(examples.Select(e => e.Template.Name).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public void DataCarryAnswersPositionsGroupsAndCounterfactuals()
    {
        var data = IoiData.Create(new IoiTask(), 50, 2, IoiCounterfactual.Abc);
        var generated = new IoiTask().Generate(50, 2);
        Assert.That(data.HasCounterfactuals);
        for (int i = 0; i < data.Count; i++)
        {
            var (example, e) = (data.Examples[i], generated[i]);
            Assert.That(example.Counterfactual, Is.EqualTo(e.AbcTokens));
            Assert.That((example.Answer, example.WrongAnswer), Is.EqualTo(((int?)e.IndirectObjectToken, (int?)e.SubjectToken)));
            Assert.That(example.Group, Is.EqualTo(e.Template.Name));
            Assert.That(new[] { "IO", "S1", "S2", "END" }.Select(n => example.NamedPositions(n).Single()),
                Is.EqualTo(new[] { e.IoPosition, e.S1Position, e.S2Position, e.EndPosition }));
        }
        Assert.That(IoiData.Create(new IoiTask(), 5, 2, IoiCounterfactual.Resample).Examples, Has.All.Property("Counterfactual").Null);
    }
}
