using System.CommandLine;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Discover;
using CircuitDsl.Cli.Models;
using CircuitDsl.Discovery.Methods;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit import CIRCUIT.json --settings FILE.circuit`: a circuit in EAP-IG/MIB's JSON format as a draft hypothesis
/// on the settings' model and data. Exit 0, or 2 with located diagnostics (in the JSON or the settings) and nothing written.
/// </summary>
public static class ImportCommand
{
    public static Command Create(CliConsole console, Func<IPlanCompiler> compilerFactory)
    {
        var circuitArg = new Argument<string>("circuit") { Description = "The circuit, in EAP-IG/MIB's JSON format (cfg, nodes, edges)." };
        var settingsOpt = new Option<string>("--settings") { Description = "The .circuit file whose model, data and metric the draft uses.", Required = true };
        var ablationOpt = new Option<string>("--ablation") { Description = "How the draft's faithfulness ablates the edges outside the circuit: counterfactual, mean or zero.", DefaultValueFactory = _ => "counterfactual" };
        ablationOpt.AcceptOnlyFromAmong("counterfactual", "mean", "zero");
        var hypothesisOpt = new Option<string?>("--hypothesis") { Description = "Use this hypothesis's settings (default: the first, or the file's own when it has none)." };
        var nameOpt = new Option<string>("--name") { Description = "The draft hypothesis's name.", DefaultValueFactory = _ => "imported" };
        var outOpt = new Option<string?>("--out") { Description = "The draft .circuit file (written atomically; default: discovered.circuit beside the settings; - for stdout)." };
        var threadsOpt = new Option<int>("--threads") { Description = "libtorch threads (default as for check)." };
        threadsOpt.Within(1, ResourceLimits.MaxThreads, "threads (the machine's logical processors)");
        var modelOpt = ModelOption.Create("Import onto");
        var command = new Command("import", "Turn a circuit in EAP-IG/MIB's JSON format into a draft hypothesis on a .circuit file's model, data and metric.")
        {
            circuitArg, settingsOpt, ablationOpt, hypothesisOpt, nameOpt, outOpt, threadsOpt, modelOpt,
        };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string? outPath = parse.GetValue(outOpt);
            var ablation = parse.GetValue(ablationOpt) switch { "mean" => EdgeAblation.Mean, "zero" => EdgeAblation.Zero, _ => EdgeAblation.Counterfactual };
            var options = new ImportOptions(parse.GetValue(circuitArg)!, parse.GetValue(settingsOpt)!, ablation)
            {
                Hypothesis = parse.GetValue(hypothesisOpt), Out = outPath == "-" ? null : outPath, Models = ModelOption.Read(parse, modelOpt),
                Threads = parse.GetValue(threadsOpt), Name = DiscoverCommand.CheckName(parse.GetValue(nameOpt)!),
            };
            return DiscoverCommand.Finish(console, "import", () => new ImportRunner(options, compilerFactory(), message => console.Error.WriteLine($"import: {message}")).Run(),
                outPath, options.Settings, json: null);
        }));
        return command;
    }
}
