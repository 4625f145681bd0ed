using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace CircuitDsl.Cli.Diff;

/// <summary>git failed, or is missing: a message for the user (an <see cref="IOException"/>, so the CLI reports it as one).</summary>
public sealed class GitException(string message) : IOException(message);

/// <summary>
/// Runs git as a process in one folder. Pathspecs are literal (a file named <c>*.circuit</c> is not a glob) and
/// git never prompts. A non-zero exit becomes a <see cref="GitException"/> with git's own first line of complaint.
/// </summary>
public sealed class Git(string workingDirectory)
{
    public string WorkingDirectory { get; } = workingDirectory;

    public string Text(params string[] arguments) => Encoding.UTF8.GetString(Bytes(long.MaxValue, arguments));

    /// <summary>The NUL-separated entries that <c>-z</c> output lists.</summary>
    public IReadOnlyList<string> Entries(params string[] arguments) => Text(arguments).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    /// <remarks>Reads at most <paramref name="maxBytes"/> + 1 bytes of output: a longer one is cut there and git stopped, so a
    /// caller that refuses sizes over the limit never holds more than that.</remarks>
    public byte[] Bytes(long maxBytes, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("--literal-pathspecs");
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        try
        {
            using var process = Process.Start(start) ?? throw new GitException("git could not be started");
            var error = process.StandardError.ReadToEndAsync(); // read both pipes at once, or a full one blocks git
            using var output = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = process.StandardOutput.BaseStream.Read(chunk, 0, (int)Math.Min(chunk.Length - 1, maxBytes - output.Length) + 1)) > 0)
            {
                output.Write(chunk, 0, read);
                if (output.Length > maxBytes)
                {
                    process.Kill(); // the rest would only be refused
                    process.WaitForExit();
                    return output.ToArray();
                }
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                string reason = error.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? $"exit code {process.ExitCode}";
                throw new GitException($"git {string.Join(' ', arguments)}: {reason}");
            }

            return output.ToArray();
        }
        catch (Win32Exception)
        {
            throw new GitException("git is not installed or not on PATH (needed by --git)");
        }
    }
}
