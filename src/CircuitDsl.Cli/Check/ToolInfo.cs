using System.Reflection;

namespace CircuitDsl.Cli.Check;

/// <summary>The versions a report records: this tool, TorchSharp (libtorch's binding), Roslyn and .NET.</summary>
public static class ToolInfo
{
    public static ToolVersions Versions() => new(
        Version(typeof(ToolInfo).Assembly),
        Version(typeof(TorchSharp.torch).Assembly),
        Version(typeof(Microsoft.CodeAnalysis.Compilation).Assembly),
        Environment.Version.ToString());

    // Informational versions may carry a "+commit" suffix; keep the version itself so reports stay comparable.
    static string Version(Assembly assembly) =>
        (assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown")
            .Split('+')[0];
}
