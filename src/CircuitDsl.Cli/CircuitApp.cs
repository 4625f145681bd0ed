using System.CommandLine;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Commands;

namespace CircuitDsl.Cli;

/// <summary>
/// The `circuit` command. Everything writes to the writers it is given (tests run it in-process). One exit-code rule
/// holds for every verb (<see cref="ExitCodes"/>): a failure the user caused is a message and 2, anything else is
/// one line saying it is CircuitDsl's bug and 3, with the trace only under --verbose.
/// </summary>
public static class CircuitApp
{
    /// <summary>Prints the trace of an internal error (every verb accepts it).</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Print the stack trace of an internal error.", Recursive = true };

    /// <param name="compilerFactory">The compile step of `check` (tests may substitute one; default: Roslyn).</param>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, Func<IPlanCompiler>? compilerFactory = null)
    {
        var console = new CliConsole(stdout, stderr);
        var root = CommandTree(console, compilerFactory);
        try
        {
            var parsed = root.Parse(args);
            int code = parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
            // Usage errors (unknown option, bad value) are input errors like any other.
            return parsed.Errors.Count > 0 ? ExitCodes.Error : ExitCodes.Known(code);
        }
        catch (Exception e)
        {
            return CliErrors.Internal(console, e, verbose: args.Contains(Verbose.Name));
        }
    }

    /// <summary>Every verb and option of `circuit` (the GitHub Action's tests check what it passes against it).</summary>
    public static RootCommand CommandTree(CliConsole console, Func<IPlanCompiler>? compilerFactory = null)
    {
        var root = new RootCommand("CircuitDsl: mechanistic-interpretability hypotheses as reviewable, testable files.")
        {
            ModelCommands.Create(console),
            TrainCommand.Create(console),
            FmtCommand.Create(console),
            DiffCommand.Create(console),
            EmitCommand.Create(console),
            CheckCommand.Create(console, compilerFactory ?? RoslynPlanCompiler.Create),
            DiscoverCommand.Create(console, compilerFactory ?? RoslynPlanCompiler.Create),
            ImportCommand.Create(console, compilerFactory ?? RoslynPlanCompiler.Create),
            ShowCommand.Create(console),
            InitCommand.Create(console),
            LspCommand.Create(console),
        };
        root.Options.Add(Verbose);
        return root;
    }
}

/// <summary>The output streams of one invocation, and whether stderr is a terminal (for progress bars).</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    public bool ErrorIsTerminal => ReferenceEquals(Error, Console.Error) && !Console.IsErrorRedirected;
}
