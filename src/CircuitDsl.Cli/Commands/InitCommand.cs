using System.CommandLine;
using CircuitDsl.Cli.Init;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit init [DIR]`: a working example hypothesis, a CI workflow and a .gitattributes line, each only where
/// missing. Exit codes: 0 (whether or not anything was created); 2 when DIR or a folder on the way is a file.
/// </summary>
public static class InitCommand
{
    public static Command Create(CliConsole console)
    {
        var dirArg = new Argument<string>("dir") { Description = "The repository to scaffold (default: the current folder).", Arity = ArgumentArity.ZeroOrOne };
        var init = new Command("init", $"Scaffold {InitTemplates.HypothesisPath}, {InitTemplates.WorkflowPath} and a .gitattributes line; never overwrites.") { dirArg };
        init.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string dir = parse.GetValue(dirArg) is { Length: > 0 } given ? given : ".";
            var steps = Scaffold.Apply(dir);
            foreach (var step in steps)
            {
                console.Out.WriteLine(step.Action switch
                {
                    ScaffoldAction.Created => $"created  {step.Path}",
                    ScaffoldAction.Appended => $"appended {step.Path} ({InitTemplates.GitAttributesLine})",
                    _ => $"skipped  {step.Path} ({step.Reason})",
                });
            }
            console.Out.WriteLine(steps.Any(s => s.Action != ScaffoldAction.Skipped)
                ? $"next: circuit check {(dir == "." ? "hypotheses" : Path.Combine(dir, "hypotheses"))}"
                : "nothing to do: every file is there");
            return ExitCodes.Ok;
        }));
        return init;
    }
}
