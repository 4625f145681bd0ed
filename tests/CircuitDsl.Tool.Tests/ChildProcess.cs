using System.Diagnostics;

namespace CircuitDsl.Tool.Tests;

/// <summary>What a program printed and how it exited.</summary>
internal sealed record ProcessResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs a program in a fresh process: its own working folder and environment, output captured, a time limit.</summary>
internal static class ChildProcess
{
    public static ProcessResult Run(string program, IEnumerable<string> args, string workingDirectory, TimeSpan limit,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"{program} {string.Join(' ', args)} ran past {limit.TotalSeconds:0} s\n{stdout.Result}\n{stderr.Result}");
        }

        // A process it started and left running (a build server) would hold the pipes open: that is a failure too.
        if (!Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(30)))
            Assert.Fail($"{program} exited but something it started still holds its output open");
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
