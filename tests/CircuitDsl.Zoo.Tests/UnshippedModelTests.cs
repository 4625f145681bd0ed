namespace CircuitDsl.Zoo.Tests;

public class UnshippedModelTests
{
    [Test]
    public void Gpt2SmallHasItsShapeWithoutWeights()
    {
        var config = ZooCatalog.ReadConfig("zoo:gpt2-small");
        Assert.That((config.Layers, config.Heads, config.HasMlp, config.DModel, config.VocabSize, config.ContextLength),
            Is.EqualTo((12, 12, true, 768, 50257, 1024)));
        Assert.DoesNotThrow(() => config.Validate("gpt2-small"));
    }

    [Test]
    public void LoadingItSaysHowToRunIt()
    {
        var error = Assert.Throws<ModelNotShippedException>(() => ZooCatalog.Load("zoo:gpt2-small"))!;
        Assert.That(error.Message, Is.EqualTo(
            "model zoo:gpt2-small is not shipped; run it with --model zoo:gpt2-small=DIR (DIR: Hugging Face's gpt2 folder: config.json, model.safetensors), or --model zoo:gpt2-small=hf:openai-community/gpt2 when your Hugging Face cache has it"));
    }

    [Test]
    public void AMisspeltNameIsNotFoundAndListsTheKnownNames()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => ZooCatalog.ReadConfig("zoo:gpt2-smal"))!;
        Assert.That(error, Is.Not.InstanceOf<ModelNotShippedException>());
        Assert.That(error.Message, Does.Contain("no shipped model 'zoo:gpt2-smal'").And.Contain("zoo:attn-only-2l").And.Contain("known but not shipped: zoo:gpt2-small"));
    }
}
