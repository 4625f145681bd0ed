using System.CommandLine;
using CircuitDsl.Language.Formatting;

namespace CircuitDsl.Cli.Commands;

/// <summary>`circuit fmt [--check] PATHS`: one canonical layout for .circuit files.</summary>
public static class FmtCommand
{
    public static Command Create(CliConsole console)
    {
        var pathsArg = new Argument<string[]>("paths") { Description = ".circuit files or folders.", Arity = ArgumentArity.OneOrMore };
        var checkOpt = new Option<bool>("--check") { Description = "Change nothing; exit 1 and name the files that would change." };
        var fmt = new Command("fmt", "Format .circuit files (comments kept; idempotent).") { pathsArg, checkOpt };
        fmt.SetAction(parse => FormatCommand.Run(parse.GetValue(pathsArg)!, parse.GetValue(checkOpt), console.Out, console.Error));
        return fmt;
    }
}
