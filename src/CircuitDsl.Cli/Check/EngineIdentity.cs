using System.Reflection;
using System.Runtime.InteropServices;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// What computed a result, as precisely as the process can tell: the full informational versions (the commit
/// included) of CircuitDsl, TorchSharp, Roslyn and .NET, and the module version id of every CircuitDsl assembly and of
/// TorchSharp. Deterministic builds give a new module id exactly when an assembly's code changes, so a rebuilt engine
/// with uncommitted edits is a different engine, and its results are not reused (<see cref="ResultCache"/>). The
/// machine is part of it too (operating system, architecture, processor model): libtorch picks its kernels by the
/// processor's instruction sets, so another machine may compute other last bits, and a cache folder restored onto
/// another kind of CI runner recomputes rather than reuses.
/// </summary>
public static class EngineIdentity
{
    static readonly Lazy<string> current = new(Compute);

    /// <summary>The identity of the running tool, one line per part.</summary>
    public static string Current => current.Value;

    static string Compute()
    {
        Assembly[] parts =
        [
            typeof(EngineIdentity).Assembly,                                    // CircuitDsl.Cli (reports, this cache)
            typeof(ResourceLimits).Assembly,                                    // CircuitDsl.Core
            typeof(Language.Binding.LoadedSources).Assembly,                   // CircuitDsl.Language
            typeof(Compiler.CircuitCompiler).Assembly,                          // CircuitDsl.Compiler
            typeof(Interventions.Execution.ExperimentRunner).Assembly,          // CircuitDsl.Interventions
            typeof(Runtime.Model.HookedTransformer).Assembly,                   // CircuitDsl.Runtime
            typeof(Zoo.ZooCatalog).Assembly,                                    // CircuitDsl.Zoo
            typeof(TorchSharp.torch).Assembly,
            typeof(Microsoft.CodeAnalysis.Compilation).Assembly,
        ];
        var lines = parts.Select(a => $"{a.GetName().Name} {Informational(a)} {a.ManifestModule.ModuleVersionId:N}").ToList();
        lines.Add($".NET {Environment.Version}");
        lines.Add($"machine {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture} {Processor()}");
        return string.Join("\n", lines);
    }

    /// <summary>The processor's model name where the system says it (Linux), else what the environment says.</summary>
    static string Processor()
    {
        try
        {
            if (OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo"))
                foreach (string line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: the other parts still describe the machine.
        }
        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown processor";
    }

    static string Informational(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
