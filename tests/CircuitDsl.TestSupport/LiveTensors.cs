using static TorchSharp.torch;

namespace CircuitDsl.TestSupport;

/// <summary>
/// The live tensor count for tests that check it returns to its start: garbage an earlier test left to finalizers is
/// collected first, or its finalization in the middle of the measured run would lower the count and fail the test.
/// </summary>
public static class LiveTensors
{
    public static long Count()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Tensor.TotalCount;
    }
}
