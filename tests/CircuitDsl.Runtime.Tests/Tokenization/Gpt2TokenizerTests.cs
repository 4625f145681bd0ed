using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Runtime.Tests.Tokenization;

/// <summary>GPT-2's BPE from the embedded data package: no network needed.</summary>
public class Gpt2TokenizerTests
{
    readonly ITokenizer gpt2 = TokenizerSpec.Gpt2.Create();

    [Test]
    public void HelloWorldHasGpt2sKnownIds()
    {
        Assert.That(gpt2.Encode("Hello world"), Is.EqualTo(new[] { 15496, 995 }));
        Assert.That(gpt2.Encode("<|endoftext|>"), Is.EqualTo(new[] { Gpt2Tokenizer.EndOfText }));
        Assert.That(gpt2.VocabSize, Is.EqualTo(50257));
    }

    [TestCase("Hello world")]
    [TestCase(" The quick brown fox jumps over the lazy dog.")]
    [TestCase("naïve café, 東京, and an emoji 🙂")]
    [TestCase("line one\nline  two\twith tabs   and spaces ")]
    [TestCase("When Mary and John went to the store, John gave a drink to")]
    public void DecodeInvertsEncode(string text)
    {
        var ids = gpt2.Encode(text);
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Is.All.InRange(0, gpt2.VocabSize - 1));
        Assert.That(gpt2.Decode(ids), Is.EqualTo(text));
    }

    [Test]
    public void AnIdOutsideTheVocabularyIsRejected()
    {
        var e = Assert.Throws<TokenizationException>(() => gpt2.Decode([15496, 50257]))!;
        Assert.That(e.Message, Does.Contain("50257").And.Contain("position 1"));
    }
}
