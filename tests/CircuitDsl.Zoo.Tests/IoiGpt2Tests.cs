using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Zoo.Tests;

/// <summary>The ioi task on GPT-2's BPE: one token per word, so the word-level layout and its named positions hold.</summary>
public class IoiGpt2Tests
{
    static readonly ZooDatasets Gpt2Datasets = new(Gpt2Tokenizer.Instance, contextLength: 1024);

    static string Gpt2Prompt(IEnumerable<string> words) => string.Concat(words.Select(IoiWordIds.Gpt2Text));

    [Test]
    public void EveryWordOfTheVocabularyIsOneGpt2Token()
    {
        var notOneToken = IoiVocabulary.Words
            .Where(w => Gpt2Tokenizer.Instance.Encode(IoiWordIds.Gpt2Text(w)).Length != 1)
            .Select(w => $"'{IoiWordIds.Gpt2Text(w)}'");
        Assert.That(notOneToken, Is.Empty, "ioi words that are not one GPT-2 token");
        Assert.That(IoiWordIds.Gpt2.Id(IoiVocabulary.Bos), Is.EqualTo(Gpt2Tokenizer.EndOfText));
    }

    [Test]
    public void AWordThatIsNotOneTokenIsNamed()
    {
        // Without its leading space "Afterwards" is two GPT-2 tokens.
        var error = Assert.Throws<NotSupportedException>(() => IoiWordIds.FromText(Gpt2Tokenizer.Instance, ["Mary", "Afterwards"], w => w))!;
        Assert.That(error.Message, Does.Contain("'Afterwards' (2 tokens)").And.Not.Contain("'Mary'"));
    }

    [Test]
    public void AGpt2PromptReadsAsGpt2TextAndEncodesWordByWord()
    {
        var e = new IoiExample(IoiTemplates.All.Single(t => t.Name == "BABA-1"), "Mary", "John", "store", "drink", ("Alice", "Bob", "Sarah"));
        string text = Gpt2Prompt(e.Words);
        Assert.That(text, Is.EqualTo("<|endoftext|> Then, John and Mary went to the store. John gave a drink to"));
        Assert.That(IoiWordIds.Gpt2.Encode(e.Words), Is.EqualTo(Gpt2Tokenizer.Instance.Encode(text)));
    }

    [Test]
    public void Gpt2PromptsHaveSixteenTokensWithTheNamesAtIoS1S2AndTheAnswersAreTheNames()
    {
        var data = Gpt2Datasets.Create(new TaskRequest("ioi").WithInteger("count", 60).WithInteger("seed", 3), ".");
        var generated = new IoiTask().Generate(60, 3);
        Assert.That(data.Examples.Select(x => x.Group).Distinct().Count(), Is.EqualTo(IoiTemplates.All.Count), "every template drawn");
        for (int i = 0; i < data.Count; i++)
        {
            var (example, e) = (data.Examples[i], generated[i]);
            Assert.That(example.Tokens, Has.Length.EqualTo(16), e.ToString());
            Assert.That(example.Tokens, Is.EqualTo(Gpt2Tokenizer.Instance.Encode(Gpt2Prompt(e.Words))), "the whole prompt encodes to the same tokens");
            Assert.That(example.Counterfactual, Is.EqualTo(Gpt2Tokenizer.Instance.Encode(Gpt2Prompt(e.AbcWords))));
            Assert.That(example.Tokens[0], Is.EqualTo(Gpt2Tokenizer.EndOfText));
            Assert.That(Gpt2Tokenizer.Instance.Decode([example.Answer!.Value]), Is.EqualTo(" " + e.IndirectObject));
            Assert.That(Gpt2Tokenizer.Instance.Decode([example.WrongAnswer!.Value]), Is.EqualTo(" " + e.Subject));
            Assert.That(example.Tokens[example.NamedPositions("IO").Single()], Is.EqualTo(example.Answer));
            Assert.That(example.Tokens[example.NamedPositions("S1").Single()], Is.EqualTo(example.WrongAnswer));
            Assert.That(example.Tokens[example.NamedPositions("S2").Single()], Is.EqualTo(example.WrongAnswer));
            Assert.That(example.NamedPositions("END").Single(), Is.EqualTo(15));
            Assert.That(Gpt2Tokenizer.Instance.Decode([example.Tokens[15]]), Is.EqualTo(" to"));
        }
    }
}
