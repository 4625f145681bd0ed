using CircuitDsl.Interventions.Execution;

namespace CircuitDsl.Interventions.Tests.Execution;

/// <summary>When the runner hands free native pages back: only after grown resident memory, never after the last batch.</summary>
[TestFixture]
public class NativeMemoryBoundTests
{
    const int Grown = 256 << 20; // far above the allowance a batch that added next to nothing leaves (32 MB)

    [Test]
    public void ARunOfOneBatchNeverTrims()
    {
        var bound = new NativeMemoryBound();
        var grown = Touched(Grown);
        bound.AfterBatch(last: true);
        Assert.That(bound.Trims, Is.Zero);
        GC.KeepAlive(grown);
    }

    [Test]
    public void TrimsOnlyOnceResidentMemoryHasGrownByTheAllowance()
    {
        Assume.That(OperatingSystem.IsLinux(), "malloc_trim and /proc/self/statm are Linux's");
        var bound = new NativeMemoryBound();
        bound.AfterBatch(last: false); // the first batch sets the allowance: it added next to nothing
        bound.AfterBatch(last: false);
        Assert.That(bound.Trims, Is.Zero, "resident memory has not grown");
        var grown = Touched(Grown);
        bound.AfterBatch(last: true);
        Assert.That(bound.Trims, Is.Zero, "no batch follows the last");
        bound.AfterBatch(last: false);
        Assert.That(bound.Trims, Is.EqualTo(1));
        GC.KeepAlive(grown);
    }

    /// <summary>An array whose every page is written, so that it is resident.</summary>
    static byte[] Touched(int bytes)
    {
        var array = GC.AllocateUninitializedArray<byte>(bytes);
        for (int i = 0; i < bytes; i += Environment.SystemPageSize) array[i] = 1;
        return array;
    }
}
