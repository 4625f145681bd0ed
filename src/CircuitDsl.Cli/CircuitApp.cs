using System.CommandLine;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Commands;

namespace CircuitDsl.Cli;

/// <summary>
/// The `circuit` command. Everything writes to the writers it is given (tests run it in-process), and every
/// failure the user can cause ends as a message and an exit code, never a stack trace.
/// </summary>
public static class CircuitApp
{
    /// <param name="compilerFactory">The compile step of `check` (tests may substitute one; default: Roslyn).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<IPlanCompiler>? compilerFactory = null)
    {
        var console = new CliConsole(stdout, stderr);
        var root = new RootCommand("CircuitDsl: mechanistic-interpretability hypotheses as reviewable, testable files.")
        {
            ModelCommands.Create(console),
            TrainCommand.Create(console),
            FmtCommand.Create(console),
            DiffCommand.Create(console),
            EmitCommand.Create(console),
            CheckCommand.Create(console, compilerFactory ?? RoslynPlanCompiler.Create),
            ShowCommand.Create(console),
        };
        var parsed = root.Parse(args);
        int code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        // Usage errors (unknown option, bad value) are input errors like any other: exit 2, as documented.
        return parsed.Errors.Count > 0 ? ExitCodes.Error : code;
    }
}

/// <summary>The output streams of one invocation, and whether stderr is a terminal (for progress bars).</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;
}
