using System.Runtime.InteropServices;
using TorchSharp;

namespace CircuitDsl.Runtime;

/// <summary>
/// Makes libtorch loadable before the first torch call. On systems whose libstdc++ lacks GLIBCXX_3.4.32
/// the build places a small shim next to the assemblies (see native/README.md); it must be loaded
/// globally before TorchSharp loads its glue library.
/// </summary>
public static class TorchNative
{
    public const string ShimFileName = "libcircuitdsl_glibcxx_compat.so";
    const int RtldNow = 0x2, RtldGlobal = 0x100;
    static readonly Lock Gate = new();
    static bool loaded;

    /// <summary>Loads the shim if the build produced one, then initialises TorchSharp on the CPU.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded) return;
            string shim = Path.Combine(AppContext.BaseDirectory, ShimFileName);
            if (OperatingSystem.IsLinux() && File.Exists(shim) && dlopen(shim, RtldNow | RtldGlobal) == IntPtr.Zero)
                throw new TorchUnavailableException($"Could not load {shim}: {Marshal.PtrToStringAnsi(dlerror())}");
            try
            {
                torch.InitializeDeviceType(DeviceType.CPU);
            }
            catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
            {
                throw new TorchUnavailableException(
                    "libtorch could not be loaded. On Debian 12 and other systems whose libstdc++ lacks GLIBCXX_3.4.32, " +
                    "the build must patch TorchSharp's glue library and place " + ShimFileName + " beside the assemblies " +
                    "(src/CircuitDsl.Runtime/native/README.md). Rebuild with 'dotnet build'. Cause: " + FirstLine(e.GetBaseException().Message), e);
            }
            loaded = true;
        }
    }

    static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    [DllImport("libc", EntryPoint = "dlopen")]
    static extern IntPtr dlopen(string path, int flags);

    [DllImport("libc", EntryPoint = "dlerror")]
    static extern IntPtr dlerror();
}

/// <summary>libtorch (the native half of TorchSharp) is not usable in this process.</summary>
public sealed class TorchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
