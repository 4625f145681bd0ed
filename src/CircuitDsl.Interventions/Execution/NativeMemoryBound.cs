using System.Globalization;
using System.Runtime.InteropServices;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Bounds the native memory a run keeps between batches. Every batch frees its tensors, but glibc keeps freed chunks
/// in its arenas and tensors of many sizes fragment them, so resident memory used to grow with the number of batches
/// (zoo model, batch 64: 830 MB at N = 4,096 and 950 MB at 16,384, with at most 160 MB of native memory in use).
/// Handing the free pages back after every batch bounds it tightly but makes the next batch fault them in again
/// (40% slower). The rule: free pages go back only once resident memory has grown, since the run started or since the
/// last trim, by twice what the first batch added (at least 32 MB); never after the last batch, where the run ends
/// and no batch of its own would profit (a run of one batch never trims). A short run, whose memory is bounded by its
/// few batches anyway, so skips a trim and the page faults after it (~70 ms on the zoo path file); a long run still
/// trims every few batches.
/// </summary>
internal sealed class NativeMemoryBound
{
    const double AllowanceInFootprints = 2;
    const long MinimumAllowance = 32L << 20; // a first batch that added next to nothing must not trim every batch
    static bool unavailable = !OperatingSystem.IsLinux();
    long baseline = -1, allowance = -1;

    /// <summary>Trims made so far (for tests of the rule).</summary>
    public int Trims { get; private set; }

    /// <summary>Call before the first batch: growth is measured from here.</summary>
    public NativeMemoryBound()
    {
        if (!unavailable && ResidentBytes() is { } resident) baseline = resident;
    }

    /// <summary>Call when every tensor of a batch has been freed; <paramref name="last"/> when no batch follows.</summary>
    public void AfterBatch(bool last)
    {
        if (unavailable || baseline < 0 || ResidentBytes() is not { } resident) return;
        if (allowance < 0) allowance = Math.Max((long)(AllowanceInFootprints * (resident - baseline)), MinimumAllowance);
        if (last || resident - baseline <= allowance) return;
        if (!TryTrim() || ResidentBytes() is not { } trimmed) return;
        Trims++;
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
