using CircuitDsl.Runtime;

/// <summary>
/// Every test of the assembly runs libtorch on one thread: `dotnet test` runs the test assemblies side by side, and
/// each one's idle OpenMP workers spin against the others (on two cores that made the suite many times slower).
/// Tests that need another count set it themselves. Outside any namespace, so it applies to the whole assembly.
/// </summary>
[SetUpFixture]
public sealed class OneTorchThread
{
    [OneTimeSetUp]
    public void UseOneThread()
    {
        TorchNative.EnsureLoaded();
        TorchSharp.torch.set_num_threads(1);
    }
}
