using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Runtime.Tests.Tokenization;

public class IntegerTokenizerTests
{
    readonly IntegerTokenizer tokenizer = new(64);

    [Test]
    public void EncodesWhiteSpaceSeparatedIds() =>
        Assert.That(tokenizer.Encode(" 1 2  63\n0\t7 "), Is.EqualTo(new[] { 1, 2, 63, 0, 7 }));

    [Test]
    public void DecodeJoinsIdsWithSpacesAndRoundTrips()
    {
        Assert.That(tokenizer.Decode([5, 0, 63]), Is.EqualTo("5 0 63"));
        Assert.That(tokenizer.Encode(tokenizer.Decode([9, 8, 7])), Is.EqualTo(new[] { 9, 8, 7 }));
        Assert.That(tokenizer.Encode(""), Is.Empty);
    }

    [Test]
    public void AWordThatIsNotAnIdIsNamed()
    {
        var e = Assert.Throws<TokenizationException>(() => tokenizer.Encode("1 2 cat 4"))!;
        Assert.That(e.Message, Does.Contain("'cat'").And.Contain("word 3").And.Contain("0..63"));
    }

    [TestCase("64")]
    [TestCase("-1")]
    public void IdsOutsideTheVocabularyAreRejected(string text)
    {
        var e = Assert.Throws<TokenizationException>(() => tokenizer.Encode("3 " + text))!;
        Assert.That(e.Message, Does.Contain($"token id {text}").And.Contain("0..63"));
        Assert.Throws<TokenizationException>(() => tokenizer.Decode([int.Parse(text)]));
    }

    [Test]
    public void SpecRecordsTheVocabularySize() =>
        Assert.That(tokenizer.Spec.ToJson().ToJsonString(), Is.EqualTo("""{"kind":"integer","vocab_size":64}"""));
}
