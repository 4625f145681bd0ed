using CircuitDsl.Runtime;
using TorchSharp;

namespace CircuitDsl.Runtime.Tests;

public class TorchLoadTests
{
    [Test]
    public void LibtorchLoadsAndComputes()
    {
        try
        {
            TorchNative.EnsureLoaded();
        }
        catch (TorchUnavailableException e)
        {
            Assert.Fail(e.Message);
        }
        using var scope = torch.NewDisposeScope();
        var product = torch.ones(4, 4).matmul(torch.ones(4, 4));
        Assert.That(product.sum().item<float>(), Is.EqualTo(64f));
    }
}
