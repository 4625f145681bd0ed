using System.Reflection;

namespace CircuitDsl.Tool.Tests;

/// <summary>
/// The `circuit` tool as a user gets it: `dotnet pack src/CircuitDsl.Cli`, then `dotnet tool install --tool-path`.
/// The pack reuses the CLI's build that this project's build made (same configuration, `--no-build`), so it never
/// races the test run's build outputs; its publish folder, nuspec and package go to a folder of the test's own.
/// </summary>
internal static class ToolPackage
{
    public const string PackageId = "CircuitDsl.Tool";
    static readonly TimeSpan PackLimit = TimeSpan.FromMinutes(5), InstallLimit = TimeSpan.FromMinutes(3);

    /// <summary>The configuration this assembly (and so the CLI it references) was built in.</summary>
    static string Configuration =>
        typeof(ToolPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;

    /// <summary>The dotnet that runs the tests (the SDK sets DOTNET_HOST_PATH for its child processes).</summary>
    static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Packs the tool into <paramref name="folder"/>/package and returns the .nupkg's path.</summary>
    public static string Pack(string folder)
    {
        string packages = Path.Combine(folder, "package");
        var result = ChildProcess.Run(Dotnet,
            ["pack", RepositoryRoot.File("src", "CircuitDsl.Cli", "CircuitDsl.Cli.csproj"), "--no-build", "--disable-build-servers", "--nologo",
             "-c", Configuration, "-o", packages,
             $"-p:PublishDir={Path.Combine(folder, "publish")}/", $"-p:NuspecOutputPath={Path.Combine(folder, "nuspec")}/"],
            RepositoryRoot.Path, PackLimit, ChildEnvironment());
        Assert.That(result.ExitCode, Is.Zero, "dotnet pack (it packs the CLI's existing build: build the solution first)\n" + result);
        return Directory.GetFiles(packages, PackageId + ".*.nupkg").Single();
    }

    /// <summary>The version in a package's file name (CircuitDsl.Tool.0.1.0.nupkg).</summary>
    public static string VersionOf(string package) => Path.GetFileNameWithoutExtension(package)[(PackageId.Length + 1)..];

    /// <summary>
    /// Installs <paramref name="package"/> into <paramref name="toolPath"/> from its folder alone (a NuGet config
    /// without other sources: no other package of that name can be picked) and returns the `circuit` command.
    /// </summary>
    public static string Install(string package, string toolPath, string scratch)
    {
        string config = Path.Combine(scratch, "nuget.config");
        File.WriteAllText(config, "<configuration><packageSources><clear /></packageSources></configuration>\n");
        var result = ChildProcess.Run(Dotnet,
            ["tool", "install", PackageId, "--tool-path", toolPath, "--version", VersionOf(package),
             "--add-source", Path.GetDirectoryName(package)!, "--configfile", config],
            scratch, InstallLimit, ChildEnvironment());
        Assert.That(result.ExitCode, Is.Zero, "dotnet tool install\n" + result);
        return Path.Combine(toolPath, OperatingSystem.IsWindows() ? "circuit.exe" : "circuit");
    }

    /// <summary>What every child process gets: no telemetry, no banner, no build servers outliving the command, and
    /// the runtime of the dotnet that runs the tests (the tool's launcher looks for it in DOTNET_ROOT).</summary>
    public static IReadOnlyDictionary<string, string?> ChildEnvironment(IReadOnlyDictionary<string, string?>? more = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        if (DotnetRoot() is { } root) environment["DOTNET_ROOT"] = root;
        foreach (var (name, value) in more ?? new Dictionary<string, string?>()) environment[name] = value;
        return environment;
    }

    /// <summary>The folder holding the runtimes of the dotnet that runs the tests (links resolved), when known.</summary>
    static string? DotnetRoot()
    {
        if (!Path.IsPathRooted(Dotnet)) return null;
        string host = new FileInfo(Dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Dotnet;
        string? root = Path.GetDirectoryName(host);
        return root is not null && Directory.Exists(Path.Combine(root, "shared", "Microsoft.NETCore.App")) ? root : null;
    }
}
