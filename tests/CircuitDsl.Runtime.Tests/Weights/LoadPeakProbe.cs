using System.Globalization;
using CircuitDsl.Runtime.Weights;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Tests.Weights;

/// <summary>
/// This assembly's entry point, which only <see cref="LoadPeakMemoryTests"/> uses: run as
/// <c>dotnet CircuitDsl.Runtime.Tests.dll --load-peak DIR [--keep-stored-dtype]</c>, it loads the model folder DIR in a fresh process,
/// runs one forward pass, and prints how much its peak resident memory grew. The test runner never calls it.
/// </summary>
public static class LoadPeakProbe
{
    public const string Flag = "--load-peak";
    /// <summary>Loads with <see cref="ModelLoadOptions.KeepStoredDtype"/>.</summary>
    public const string KeepFlag = "--keep-stored-dtype";

    public static int Main(string[] args)
    {
        if (args is not ([Flag, _] or [Flag, _, KeepFlag]))
        {
            Console.Error.WriteLine($"usage: {Flag} MODEL_FOLDER [{KeepFlag}] (the child process of LoadPeakMemoryTests)");
            return 2;
        }
        var options = new ModelLoadOptions { KeepStoredDtype = args.Length == 3 };
        var (before, peak, weights) = Measure(args[1], options);
        Console.WriteLine(string.Join(' ', new[] { before, peak, weights }.Select(n => n.ToString(CultureInfo.InvariantCulture))));
        return 0;
    }

    /// <summary>Resident bytes before loading, the peak while loading and running, and the bytes of the loaded parameters.</summary>
    static (long Before, long Peak, long Weights) Measure(string folder, ModelLoadOptions options)
    {
        TorchNative.EnsureLoaded();
        set_num_threads(1);
        using (var warm = ones(8, 8)) warm.matmul(warm).Dispose(); // libtorch's own start-up is not the load's
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = ResidentMemory.Current();
        ResidentMemory.ResetPeak();

        using var loaded = ModelLoader.Load(folder, options);
        using (var tokens = zeros([1, 16], ScalarType.Int64))
            loaded.Model.Forward(tokens).Dispose();
        long peak = ResidentMemory.Peak();
        long weights = loaded.Model.parameters().Sum(p => p.numel() * p.ElementSize);
        return (before, peak, weights);
    }
}
