using System.Globalization;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>This process's resident memory as Linux reports it in /proc/self/status.</summary>
internal static class ResidentMemory
{
    public static bool Available => File.Exists("/proc/self/status");

    /// <summary>VmRSS: resident bytes now.</summary>
    public static long Current() => Field("VmRSS");

    /// <summary>VmHWM: the most resident bytes so far (since the last <see cref="ResetPeak"/>).</summary>
    public static long Peak() => Field("VmHWM");

    /// <summary>Writing 5 to clear_refs sets VmHWM to the current VmRSS; where that is refused the peak counts from the start.</summary>
    public static void ResetPeak()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static long Field(string name)
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(name + ":", StringComparison.Ordinal));
        // "VmHWM:\t  123456 kB": the value may follow the tab directly, so split on both.
        return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
