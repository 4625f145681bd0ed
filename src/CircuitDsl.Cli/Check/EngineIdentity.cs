using System.Reflection;

namespace CircuitDsl.Cli.Check;

/// <summary>
/// What computed a result, as precisely as the process can tell: the full informational versions (the commit
/// included) of CircuitDsl, TorchSharp, Roslyn and .NET, and the module version id of every CircuitDsl assembly and of
/// TorchSharp. Deterministic builds give a new module id exactly when an assembly's code changes, so a rebuilt engine
/// with uncommitted edits is a different engine, and its results are not reused (<see cref="ResultCache"/>).
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
        return string.Join("\n", lines);
    }

    static string Informational(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
