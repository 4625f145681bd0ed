using CircuitDsl.Cli.Models;

namespace CircuitDsl.Cli.Tests;

public class ConfigModelResolverTests
{
    [Test]
    public void ResolvesAShippedModelToItsShapeWithoutWeights()
    {
        var resolution = new ConfigModelResolver().Resolve("zoo:attn-only-2l", Directory.GetCurrentDirectory());
        Assert.That(resolution.Error, Is.Null);
        Assert.That(resolution.Shape, Is.EqualTo(new CircuitDsl.Language.Binding.ModelShape("attn-only-2l", 2, 2, false, 64, 64, 48)));
    }

    [Test]
    public void AKnownModelThatIsNotShippedResolvesToItsShape()
    {
        var resolution = new ConfigModelResolver().Resolve("zoo:gpt2-small", Directory.GetCurrentDirectory());
        Assert.That(resolution.Shape, Is.EqualTo(new CircuitDsl.Language.Binding.ModelShape("gpt2-small", 12, 12, true, 768, 50257, 1024)));
    }

    [Test]
    public void AnUnknownModelSaysWhatExists()
    {
        var resolution = new ConfigModelResolver().Resolve("zoo:gpt5", Directory.GetCurrentDirectory());
        Assert.That(resolution.Shape, Is.Null);
        Assert.That(resolution.Error, Does.Contain("zoo:attn-only-2l"));
    }
}
