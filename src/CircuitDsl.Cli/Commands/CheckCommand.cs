using System.CommandLine;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Reports;
using Spectre.Console;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit check [PATHS]`: compile and run every hypothesis, print a table per file, write reports.
/// Exit codes: 0 every expectation holds; 1 an expectation failed (or a baseline regressed); 2 input, model or
/// compile errors.
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliConsole console, Func<IPlanCompiler> compilerFactory)
    {
        var pathsArg = new Argument<string[]>("paths") { Description = ".circuit files, folders or globs (default: the current folder).", Arity = ArgumentArity.ZeroOrMore };
        var seedOpt = new Option<long?>("--seed") { Description = "Override every hypothesis's seed." };
        var samplesOpt = new Option<int?>("--samples") { Description = "Override every hypothesis's example count." };
        var filterOpt = new Option<string?>("--filter") { Description = "Run only hypotheses whose name contains this text." };
        var threadsOpt = new Option<int>("--threads") { Description = "libtorch threads (default: 1 for models under 20M parameters, such as the zoo's; all cores for larger ones)." };
        var modelOpt = new Option<string?>("--model") { Description = "Run every file against this model (zoo:NAME or a folder, e.g. Hugging Face GPT-2)." };
        var formatOpt = new Option<string[]>("--format") { Description = $"Report formats ({string.Join(", ", ReportFormats.Names)}); repeatable, paired in order with --out.", AllowMultipleArgumentsPerToken = false };
        formatOpt.AcceptOnlyFromAmong(ReportFormats.Names);
        var outOpt = new Option<string[]>("--out") { Description = "File for the format in the same position (written atomically); formats without one go to stdout." };
        var baselineOpt = new Option<string?>("--baseline") { Description = "An earlier JSON report: regressions larger than the interval fail the run." };
        var updateBaselineOpt = new Option<bool>("--update-baseline") { Description = "Rewrite the --baseline file with this run's JSON report." };
        var noProgressOpt = new Option<bool>("--no-progress") { Description = "No progress display on stderr." };
        var check = new Command("check", "Compile and run hypotheses; report how much each recovers.")
        {
            pathsArg, seedOpt, samplesOpt, filterOpt, threadsOpt, modelOpt, formatOpt, outOpt, baselineOpt, updateBaselineOpt, noProgressOpt,
        };
        check.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string cwd = Directory.GetCurrentDirectory();
            var paths = parse.GetValue(pathsArg) is { Length: > 0 } given ? given : ["."];
            var (files, unmatched) = CircuitFiles.Expand(paths, cwd);
            foreach (string missing in unmatched) console.Error.WriteLine($"error: '{missing}' matches no .circuit file");
            if (unmatched.Count > 0 || files.Count == 0)
            {
                if (files.Count == 0 && unmatched.Count == 0) console.Error.WriteLine("error: no .circuit files found");
                return ExitCodes.Error;
            }

            var options = new CheckOptions(parse.GetValue(seedOpt), parse.GetValue(samplesOpt), parse.GetValue(filterOpt), parse.GetValue(modelOpt), parse.GetValue(threadsOpt));
            var report = Run(console, options, compilerFactory(), files, cwd, showProgress: !parse.GetValue(noProgressOpt) && console.ErrorIsTerminal);

            var formats = parse.GetValue(formatOpt) is { Length: > 0 } f ? f : ["text"];
            var outs = parse.GetValue(outOpt) ?? [];
            if (outs.Length > formats.Length)
                throw new ArgumentException($"{outs.Length} --out files for {formats.Length} --format values; pair each file with a format");
            for (int i = 0; i < formats.Length; i++)
            {
                string rendered = ReportFormats.Render(formats[i], report, color: i >= outs.Length && !Console.IsOutputRedirected && ReferenceEquals(console.Out, Console.Out));
                if (i < outs.Length) AtomicFile.WriteAllText(outs[i], rendered);
                else console.Out.Write(rendered);
            }
            if (report.HasErrors)
            {
                foreach (var d in report.Files.SelectMany(file => file.Diagnostics.Where(d => d.Severity == "error")))
                    console.Error.WriteLine($"{d.File}:{d.Line}:{d.Column}: {d.Severity} {d.Code}: {d.Message}");
                return ExitCodes.Error;
            }

            int exit = report.AllExpectationsHold ? ExitCodes.Ok : ExitCodes.Failed;
            if (parse.GetValue(baselineOpt) is { } baseline)
            {
                if (parse.GetValue(updateBaselineOpt))
                    AtomicFile.WriteAllText(baseline, JsonReportWriter.Write(report));
                else
                {
                    var regressions = BaselineComparison.Compare(report, File.ReadAllText(baseline), baseline);
                    foreach (var r in regressions) console.Error.WriteLine($"regression: {r}");
                    if (regressions.Count > 0) exit = ExitCodes.Failed;
                }
            }
            return exit;
        }));
        return check;
    }

    static CheckReport Run(CliConsole console, CheckOptions options, IPlanCompiler compiler, IReadOnlyList<string> files, string cwd, bool showProgress)
    {
        var tool = ToolInfo.Versions();
        if (!showProgress) return new CheckRunner(options, compiler, cwd).Run(files, tool);
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        return terminal.Status().Start("checking", context =>
            new CheckRunner(options, compiler, cwd, message => context.Status(Markup.Escape(message))).Run(files, tool));
    }
}
