using CircuitDsl.Cli.Models;
using System.CommandLine;
using CircuitDsl.Cli.Diff;
using CircuitDsl.Cli.Reports;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit diff OLD NEW` and `circuit diff --git BASE [PATHS]`: what changed in the claims, hypothesis by
/// hypothesis, not in the text. Exit codes: 0 whether or not anything changed (a diff is a report, not a
/// check); 2 when a version does not parse or bind (its diagnostics on stderr, the other files still diffed),
/// or on usage and git errors.
/// </summary>
public static class DiffCommand
{
    public static Command Create(CliConsole console)
    {
        var pathsArg = new Argument<string[]>("paths")
        {
            Description = "OLD NEW (two files or two folders); with --git, the files or folders to diff (default: every tracked .circuit file).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var gitOpt = new Option<string?>("--git") { HelpName = "BASE", Description = "Diff the working tree against this commit (read with git show BASE:path)." };
        var formatOpt = new Option<string>("--format") { Description = "text, or markdown for a pull-request comment.", DefaultValueFactory = _ => "text" };
        formatOpt.AcceptOnlyFromAmong("text", "markdown");
        var outOpt = new Option<string?>("--out") { HelpName = "FILE", Description = "Write the diff to this file (atomically) instead of stdout." };
        var modelOpt = ModelOption.Create("Bind (and with --run, run) files against");
        var runOpt = new Option<bool>("--run") { Description = "Run both versions of each changed hypothesis and show their measured statistics side by side." };
        var diff = new Command("diff", "Semantic diff of hypotheses between two versions: nodes, inputs, variables, groups, method, data, metric, expectations. Exit 0 (changes or not), 2 on errors.")
        {
            pathsArg, gitOpt, formatOpt, outOpt, modelOpt, runOpt,
        };
        diff.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string[] paths = parse.GetValue(pathsArg) ?? [];
            string? baseRevision = parse.GetValue(gitOpt);
            if (baseRevision is null && paths.Length != 2)
            {
                throw new ArgumentException("give OLD and NEW, or --git BASE [PATHS]");
            }

            var models = ModelOption.Read(parse, modelOpt);
            var inputs = baseRevision is null
                ? DiffInputs.FromPaths(paths[0], paths[1], models)
                : DiffInputs.FromGit(baseRevision, paths, models);
            var outcome = DiffRunner.Run(inputs);
            foreach (var error in outcome.Errors)
            {
                console.Error.Write(error.ToText());
            }

            using var measured = parse.GetValue(runOpt) ? new MeasuredColumns(new Check.CheckOptions(Models: models), Directory.GetCurrentDirectory()) : null;
            var columns = measured?.Columns;
            var render = parse.GetValue(formatOpt) == "markdown"
                ? (Action<TextWriter>)(w => DiffMarkdownRenderer.Write(w, outcome.Files, columns))
                : w => DiffTextRenderer.Write(w, outcome.Files, columns);
            if (parse.GetValue(outOpt) is { } outPath)
            {
                using var text = new StringWriter();
                render(text);
                AtomicFile.WriteAllText(outPath, text.ToString());
            }
            else
            {
                render(console.Out);
            }

            return outcome.Errors.Count > 0 ? ExitCodes.Error : ExitCodes.Ok;
        }));
        return diff;
    }
}
