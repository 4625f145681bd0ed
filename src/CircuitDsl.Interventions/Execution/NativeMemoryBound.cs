using System.Globalization;
using System.Runtime.InteropServices;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Bounds the native memory a run keeps between batches. Every batch frees its tensors, but glibc keeps freed chunks
/// in its arenas and tensors of many sizes fragment them, so resident memory used to grow with the number of batches
/// (zoo model, batch 64: 830 MB at N = 4,096 and 950 MB at 16,384, with at most 160 MB of native memory in use).
/// Handing the free pages back after every batch bounds it tightly but makes the next batch fault them in again
/// (40% slower), so they go back only once resident memory has grown by twice the first batch's footprint since the
/// last time (every 6 to 8 batches on the zoo model, at no measurable cost).
/// </summary>
internal sealed class NativeMemoryBound
{
    const double AllowanceInFootprints = 2;
    const long MinimumAllowance = 32L << 20; // a first batch that left nothing to give back must not trim every batch
    static bool unavailable = !OperatingSystem.IsLinux();
    long baseline = -1, allowance;

    /// <summary>Call when every tensor of a batch has been freed.</summary>
    public void AfterBatch()
    {
        if (unavailable || ResidentBytes() is not { } resident) return;
        if (baseline >= 0 && resident - baseline <= allowance) return;
        if (!TryTrim() || ResidentBytes() is not { } trimmed) return;
        if (baseline < 0) allowance = Math.Max((long)(AllowanceInFootprints * (resident - trimmed)), MinimumAllowance);
        baseline = trimmed;
    }

    static long? ResidentBytes()
    {
        try
        {
            // /proc/self/statm: "size resident shared ..." in pages.
            return long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            unavailable = true;
            return null;
        }
    }

    static bool TryTrim()
    {
        try
        {
            malloc_trim(0);
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            unavailable = true; // not glibc (musl has no malloc_trim): nothing to give back this way
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int malloc_trim(nuint pad);
}
