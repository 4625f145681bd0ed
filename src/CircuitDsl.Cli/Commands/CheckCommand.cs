using CircuitDsl.Cli.Models;
using System.CommandLine;
using CircuitDsl.Cli.Check;
using Spectre.Console;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit check [PATHS]`: compile and run every hypothesis, print a table per file, write reports.
/// Exit codes: 0 every expectation holds; 1 an expectation failed (or a baseline regressed); 2 input, model,
/// usage or compile errors; 3 an internal error. Every option is checked before any work starts.
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliConsole console, Func<IPlanCompiler> compilerFactory)
    {
        var pathsArg = new Argument<string[]>("paths") { Description = ".circuit files, folders or globs (default: the current folder).", Arity = ArgumentArity.ZeroOrMore };
        var seedOpt = new Option<long?>("--seed") { Description = "Override every hypothesis's seed." };
        var samplesOpt = new Option<int?>("--samples") { Description = $"Override every hypothesis's example count (1 to {ResourceLimits.MaxExamples:N0})." };
        samplesOpt.Within(1, ResourceLimits.MaxExamples, "examples");
        var filterOpt = new Option<string?>("--filter") { Description = "Run only hypotheses whose name contains this text." };
        var threadsOpt = new Option<int>("--threads") { Description = $"libtorch threads, 1 to this machine's {ResourceLimits.MaxThreads} (default: 1 for models under 20M parameters, such as the zoo's; all cores for larger ones)." };
        threadsOpt.Within(1, ResourceLimits.MaxThreads, "threads (the machine's logical processors)");
        var modelOpt = ModelOption.Create("Run files on");
        var formatOpt = new Option<string[]>("--format") { Description = $"Report formats ({string.Join(", ", ReportFormats.Names)}); repeatable, paired in order with --out.", AllowMultipleArgumentsPerToken = false };
        formatOpt.AcceptOnlyFromAmong(ReportFormats.Names);
        var outOpt = new Option<string[]>("--out") { Description = "File for the format in the same position (written atomically); formats without one go to stdout." };
        var baselineOpt = new Option<string?>("--baseline") { Description = "An earlier JSON report: regressions larger than the interval fail the run." };
        var updateBaselineOpt = new Option<bool>("--update-baseline") { Description = "Rewrite the --baseline file with this run's JSON report." };
        var noProgressOpt = new Option<bool>("--no-progress") { Description = "No progress display on stderr." };
        var keepDtypeOpt = new Option<bool>("--keep-weight-dtype") { Description = "Keep an F16/BF16 checkpoint's weight matrices in that dtype (half the memory); the forward still computes in float32." };
        var sensitivityOpt = new Option<bool>("--sensitivity") { Description = "Also rerun each claim under every ablation and position choice that applies to it and report the matrix, marking verdicts that flip with a choice the file does not state (a report: the ordinary verdicts decide the exit code; recorded results are not reused)." };
        var noCacheOpt = new Option<bool>("--no-cache") { Description = "Run every hypothesis, even one whose inputs are unchanged since a recorded result, and record its result anew." };
        var check = new Command("check", "Compile and run hypotheses; report how much each recovers.")
        {
            pathsArg, seedOpt, samplesOpt, filterOpt, threadsOpt, modelOpt, formatOpt, outOpt, baselineOpt, updateBaselineOpt, noProgressOpt, noCacheOpt, keepDtypeOpt, sensitivityOpt,
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

            string? baselinePath = parse.GetValue(baselineOpt) is { } b ? Path.GetFullPath(b, cwd) : null;
            bool updateBaseline = parse.GetValue(updateBaselineOpt);
            if (updateBaseline && baselinePath is null)
                throw new UsageException("--update-baseline needs --baseline FILE: the file to rewrite");
            var outputs = ReportOutputs.Pair(parse.GetValue(formatOpt) is { Length: > 0 } f ? f : ["text"], parse.GetValue(outOpt) ?? [], cwd);
            outputs.RefuseOverwriting(files, "a file being checked");
            if (baselinePath is not null) outputs.RefuseOverwriting([baselinePath], updateBaseline ? "the baseline this run rewrites" : "the baseline this run compares against");
            // Read (and check) the baseline before minutes of work, not after.
            var baseline = baselinePath is not null && !updateBaseline ? Baseline.Load(baselinePath) : null;

            var options = new CheckOptions(parse.GetValue(seedOpt), parse.GetValue(samplesOpt), parse.GetValue(filterOpt), ModelOption.Read(parse, modelOpt), parse.GetValue(threadsOpt), parse.GetValue(keepDtypeOpt),
                parse.GetValue(sensitivityOpt));
            bool verbose = parse.GetValue(CircuitApp.Verbose);
            // Recorded results carry no sensitivity matrix, and its alternatives need the model anyway: --sensitivity runs
            // every hypothesis (and records its ordinary result, which is what a run without it computes).
            var results = ResultCache.Default(reads: !parse.GetValue(noCacheOpt) && !options.Sensitivity);
            var (report, run) = Run(console, options, compilerFactory(), results, files, cwd, showProgress: !parse.GetValue(noProgressOpt) && console.ErrorIsTerminal);

            // A run that checked nothing must not pass: a CI step pointed at the wrong files would stay green forever.
            if (run.Selected == 0 && !report.HasErrors)
                throw new UsageException(options.Filter is { } filter
                    ? $"--filter '{filter}' matches no hypothesis of the {files.Count} file(s) checked"
                    : $"the {files.Count} file(s) checked declare no hypothesis");
            outputs.RefuseOverwriting(run.ReadFiles, "a file this run read (an import, a data file or a model file)");
            outputs.Write(report, console);
            // Warnings (e.g. CD2043, heads told apart on a shared key/value input) are not failures, but are said.
            foreach (var d in report.Files.SelectMany(file => file.Diagnostics.Where(d => !d.IsError)))
                console.Error.WriteLine($"{d.File}:{d.Line}:{d.Column}: {d.SeverityWord} {d.Code}: {d.Message}");
            if (verbose)
                foreach (var bug in run.InternalErrors) console.Error.WriteLine(bug);
            if (report.HasErrors)
            {
                foreach (var d in report.Files.SelectMany(file => file.Diagnostics.Where(d => d.IsError)))
                    console.Error.WriteLine($"{d.File}:{d.Line}:{d.Column}: {d.SeverityWord} {d.Code}: {d.Message}");
                if (report.HasInternalErrors)
                    console.Error.WriteLine($"internal error: CircuitDsl failed while checking (a bug, not in the input; {(verbose ? "traces above" : "--verbose prints the traces")})");
                return report.HasInternalErrors ? ExitCodes.Internal : ExitCodes.Error;
            }

            int exit = report.AllExpectationsHold ? ExitCodes.Ok : ExitCodes.Failed;
            if (updateBaseline)
                AtomicFile.WriteAllText(baselinePath!, JsonReportWriter.Write(report));
            else if (baseline is not null)
            {
                var regressions = baseline.Compare(report, out var notInBaseline);
                int expectations = report.Expectations.Count();
                // A baseline that knows none of this run's expectations compares nothing: most often it was written from
                // another folder (reports name files relative to where check runs) or before every name changed.
                if (expectations > 0 && notInBaseline.Count == expectations)
                    throw new UsageException($"--baseline {baselinePath}: none of this run's {expectations} expectations is in it (its file paths are relative to the folder check ran in; run from the same folder, or write it anew with --update-baseline)");
                foreach (string place in notInBaseline) console.Error.WriteLine($"note: not in the baseline, not compared: {place}");
                foreach (var r in regressions) console.Error.WriteLine($"regression: {r}");
                if (regressions.Count > 0) exit = ExitCodes.Failed;
            }
            return exit;
        }));
        return check;
    }

    static (CheckReport Report, CheckRunner Runner) Run(
        CliConsole console, CheckOptions options, IPlanCompiler compiler, ResultCache results, IReadOnlyList<string> files, string cwd, bool showProgress)
    {
        var tool = ToolInfo.Versions();
        if (!showProgress)
        {
            var quiet = new CheckRunner(options, compiler, cwd, results: results);
            return (quiet.Run(files, tool), quiet);
        }
        var terminal = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(console.Error) });
        return terminal.Status().Start("checking", context =>
        {
            var runner = new CheckRunner(options, compiler, cwd, message => context.Status(Markup.Escape(message)), results);
            return (runner.Run(files, tool), runner);
        });
    }
}
