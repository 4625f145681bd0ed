using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Runtime.Tests.Tokenization;

public class TokenizerSpecTests
{
    [TestCase("""{"kind":"integer","vocab_size":64}""")]
    [TestCase("""{"kind":"gpt2"}""")]
    public void JsonRoundTrips(string json)
    {
        var spec = TokenizerSpec.FromJson(JsonNode.Parse(json), "tokenizer.json");
        Assert.That(spec.ToJson().ToJsonString(), Is.EqualTo(json));
        Assert.That(spec.Create().Spec, Is.EqualTo(spec));
    }

    [TestCase("""{"kind":"integer"}""", "vocab_size")]
    [TestCase("""{"kind":"integer","vocab_size":0}""", "vocab_size")]
    [TestCase("""{"kind":"sentencepiece"}""", "sentencepiece")]
    [TestCase("""{"kind":"gpt2","vocab_size":5}""", "fixed vocabulary")]
    [TestCase("""{"kind":"gpt2","merges":[]}""", "merges")]
    [TestCase("""[1,2]""", "kind")]
    public void BadSpecsAreExplained(string json, string expected)
    {
        var e = Assert.Throws<ModelFormatException>(() => TokenizerSpec.FromJson(JsonNode.Parse(json), "dir/tokenizer.json"))!;
        Assert.That(e.Message, Does.StartWith("dir/tokenizer.json: ").And.Contain(expected));
    }
}
