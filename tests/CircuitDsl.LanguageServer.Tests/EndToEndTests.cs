using System.ComponentModel;
using System.Diagnostics;

namespace CircuitDsl.LanguageServer.Tests;

/// <summary>
/// The real <c>circuit lsp</c> process (this build's circuit.dll) driven over stdio by a real LSP client library,
/// npm's <c>vscode-jsonrpc</c>, from Node: editors/vscode/test/e2e.js opens a broken file, reads the published
/// diagnostics, uses every capability, fixes the file and sees the diagnostics clear. Skipped, with the reason, where
/// <c>node</c> is absent or the extension's modules are not installed and <c>npm ci</c> cannot install them.
/// </summary>
public sealed class EndToEndTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Test]
    public void AnEditorsClientSeesDiagnosticsAppearAndClear()
    {
        string extension = RepositoryRoot.File("editors", "vscode");
        if (Run("node", ["--version"], extension, TimeSpan.FromSeconds(20)) is not { ExitCode: 0 })
        {
            Assert.Ignore("node is not installed: the end-to-end test drives the server from Node's vscode-jsonrpc");
        }

        if (!File.Exists(Path.Combine(extension, "node_modules", "vscode-jsonrpc", "package.json")))
        {
            // From npm's cache when it can; a machine without the registry or a cache skips rather than fails.
            var install = Run("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund", "--fetch-retries=0", "--fetch-timeout=20000"], extension, TimeSpan.FromSeconds(180));
            if (install is not { ExitCode: 0 })
            {
                Assert.Ignore($"editors/vscode/node_modules is missing and `npm ci` could not install it ({install?.Output.Trim() ?? "npm is not installed"}); run `npm ci` in editors/vscode");
            }
        }

        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        string server = Path.Combine(AppContext.BaseDirectory, "circuit.dll");
        var result = Run("node", ["test/e2e.js", "--dotnet", dotnet, "--server-dll", server, "--timeout", "60"], extension, Limit);
        Assert.That(result, Is.Not.Null, "node did not start");
        TestContext.Out.WriteLine(result!.Output);
        Assert.That(result.ExitCode, Is.Zero, result.Output);
        Assert.That(result.Output, Does.Contain("PASS"));
    }

    private sealed record Outcome(int ExitCode, string Output);

    /// <summary>Runs a program with its output captured; null when it cannot start. Killed (exit -1) past the limit.</summary>
    private static Outcome? Run(string program, string[] args, string directory, TimeSpan limit)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException(program);
        }
        catch (Win32Exception)
        {
            return null;
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new Outcome(-1, $"{program} ran past {limit.TotalSeconds:0} s\n{stdout.Result}\n{stderr.Result}");
            }

            Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(30));
            return new Outcome(process.ExitCode, stdout.Result + stderr.Result);
        }
    }
}
