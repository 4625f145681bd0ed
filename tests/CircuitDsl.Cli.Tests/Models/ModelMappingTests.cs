using CircuitDsl.Cli.Models;

namespace CircuitDsl.Cli.Tests.Models;

/// <summary>The forms of <c>--model</c>: none, one model for every file, and NAME=PATH mappings that leave the other files alone.</summary>
public class ModelMappingTests
{
    static readonly string Cwd = Path.Combine(Path.GetTempPath(), "work");

    static ModelMapping Parse(params string[] values) => ModelMapping.Parse(values, Cwd);

    [Test]
    public void WithoutModelEveryFileKeepsItsOwn()
    {
        var none = Parse();
        Assert.That(none.IsEmpty);
        Assert.That(none.Apply("zoo:attn-only-2l"), Is.EqualTo("zoo:attn-only-2l"));
    }

    [TestCase("zoo:attn-only-1l", "zoo:attn-only-1l")]
    [TestCase("hf:openai-community/gpt2", "hf:openai-community/gpt2")]
    [TestCase("checkpoints/gpt2", "checkpoints/gpt2")]
    public void ABareModelReplacesEveryFilesModel(string value, string expected)
    {
        var every = Parse(value);
        string resolved = expected.Contains(':') ? expected : Path.Combine(Cwd, expected);
        Assert.That(every.Apply("zoo:attn-only-2l"), Is.EqualTo(resolved));
        Assert.That(every.Apply("zoo:gpt2-small"), Is.EqualTo(resolved));
    }

    [Test]
    public void MappingsReplaceOnlyTheModelsTheyName()
    {
        var mapped = Parse("zoo:gpt2-small=models/gpt2", "ioi-2l=zoo:attn-only-2l", "../shared/model=hf:EleutherAI/pythia-70m@main");

        Assert.That(mapped.Apply("zoo:gpt2-small"), Is.EqualTo(Path.Combine(Cwd, "models", "gpt2")));
        Assert.That(mapped.Apply("zoo:ioi-2l"), Is.EqualTo("zoo:attn-only-2l"), "a name without a scheme is the zoo model's");
        Assert.That(mapped.Apply("../shared/model"), Is.EqualTo("hf:EleutherAI/pythia-70m@main"), "a folder reference as a file writes it");
        Assert.That(mapped.Apply("zoo:attn-only-2l"), Is.EqualTo("zoo:attn-only-2l"), "files on other models keep theirs");
    }

    [Test]
    public void AFolderWhoseNameHoldsAnEqualsSignIsStillAFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "a=b-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            Assert.That(ModelMapping.Parse([folder], Cwd).Apply("zoo:attn-only-2l"), Is.EqualTo(folder));
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [TestCase(new[] { "zoo:gpt2-small=a", "zoo:gpt2-small=b" }, "mapped twice")]
    [TestCase(new[] { "a", "b" }, "may be given once")]
    [TestCase(new[] { "a", "zoo:gpt2-small=b" }, "would be ignored")]
    [TestCase(new[] { "=b" }, "write NAME=PATH")]
    [TestCase(new[] { "zoo:gpt2-small=" }, "write NAME=PATH")]
    public void ContradictoryOrIncompleteValuesAreUsageErrors(string[] values, string message)
    {
        var error = Assert.Throws<UsageException>(() => Parse(values));
        Assert.That(error!.Message, Does.Contain(message));
    }
}
