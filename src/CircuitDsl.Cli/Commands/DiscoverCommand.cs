using System.CommandLine;
using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Discover;
using CircuitDsl.Cli.Models;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Language.Diagnostics;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit discover FILE`: find a circuit on the model, data and metric a .circuit file states, and write it as a draft
/// hypothesis (and, with --json, in EAP-IG/MIB's JSON format). Exit 0, or 2 with located diagnostics for input it
/// refuses (nothing is written then); 3 for a bug.
/// </summary>
public static class DiscoverCommand
{
    static readonly Dictionary<string, DiscoveryMethod> Methods = new(StringComparer.Ordinal)
    {
        ["exact"] = DiscoveryMethod.Exact, ["eap"] = DiscoveryMethod.Eap, ["eap-ig"] = DiscoveryMethod.EapIg, ["acdc"] = DiscoveryMethod.Acdc,
    };

    static readonly Dictionary<string, EdgeAblation> Ablations = new(StringComparer.Ordinal)
    {
        ["counterfactual"] = EdgeAblation.Counterfactual, ["mean"] = EdgeAblation.Mean, ["zero"] = EdgeAblation.Zero,
    };

    public static Command Create(CliConsole console, Func<IPlanCompiler> compilerFactory)
    {
        var fileArg = new Argument<string>("file") { Description = "The .circuit file whose settings (model, data, metric) discovery uses." };
        var methodOpt = new Option<string>("--method") { Description = "exact (every edge patched alone), eap, eap-ig or acdc.", DefaultValueFactory = _ => "eap-ig" };
        methodOpt.AcceptOnlyFromAmong([.. Methods.Keys]);
        var ablationOpt = new Option<string>("--ablation") { Description = "What an ablated edge carries: counterfactual (its sender's write on x_new), mean or zero.", DefaultValueFactory = _ => "counterfactual" };
        ablationOpt.AcceptOnlyFromAmong([.. Ablations.Keys]);
        var edgesOpt = new Option<int?>("--edges") { Description = $"Keep the N edges of largest |score| (default {DiscoverOptions.DefaultEdges}; with acdc, the N largest of those it kept)." };
        edgesOpt.Within(1, 10_000_000, "edges");
        var thresholdOpt = new Option<double?>("--threshold") { Description = $"Keep the edges with |score| at least X; for acdc its tau (default {DiscoverOptions.DefaultTau})." };
        var stepsOpt = new Option<int>("--steps") { Description = "EAP-IG's integration steps.", DefaultValueFactory = _ => 5 };
        stepsOpt.Within(1, 1000, "steps");
        var hypothesisOpt = new Option<string?>("--hypothesis") { Description = "Use this hypothesis's settings (default: the first, or the file's own when it has none)." };
        var nameOpt = new Option<string>("--name") { Description = "The draft hypothesis's name.", DefaultValueFactory = _ => "discovered" };
        var outOpt = new Option<string?>("--out") { Description = "The draft .circuit file (written atomically; default: discovered.circuit beside FILE; - for stdout)." };
        var jsonOpt = new Option<string?>("--json") { Description = "Also write the circuit in EAP-IG/MIB's JSON format to this file." };
        var threadsOpt = new Option<int>("--threads") { Description = "libtorch threads (default as for check)." };
        threadsOpt.Within(1, ResourceLimits.MaxThreads, "threads (the machine's logical processors)");
        var positionsOpt = new Option<string>("--positions")
        {
            Description = "all (every edge at every position), or per-position edges at these named positions of the task, comma-separated (END,S2; S1+1), with one more bucket for the other positions.",
            DefaultValueFactory = _ => "all",
        };
        var resamplesOpt = new Option<int?>("--resamples") { Description = "Repeat discovery on K bootstrap resamples of the data (seeded from the file's seed) and keep the edges selected often enough." };
        resamplesOpt.Within(2, 1000, "resamples");
        var minFrequencyOpt = new Option<double?>("--min-frequency")
        {
            Description = $"With --resamples: keep the edges selected in at least this fraction of the resamples (default {Stability.DefaultMinFrequency}).",
        };
        var modelOpt = ModelOption.Create("Discover on");
        var command = new Command("discover", "Find a circuit (exact patching, EAP, EAP-IG or ACDC) on a file's model, data and metric; write it as a draft hypothesis.")
        {
            fileArg, methodOpt, ablationOpt, edgesOpt, thresholdOpt, stepsOpt, positionsOpt, resamplesOpt, minFrequencyOpt, hypothesisOpt, nameOpt, outOpt, jsonOpt, threadsOpt, modelOpt,
        };
        command.SetAction(parse => CliErrors.Guard(console, () =>
        {
            var method = Methods[parse.GetValue(methodOpt)!];
            int? edges = parse.GetValue(edgesOpt);
            double? threshold = parse.GetValue(thresholdOpt);
            if (method != DiscoveryMethod.Acdc && edges is not null && threshold is not null)
                throw new UsageException("--edges and --threshold each choose the kept edges: give one of them");
            if (threshold is { } t && (!double.IsFinite(t) || t < 0))
                throw new UsageException($"--threshold {t}: must be a finite number at least 0");
            string name = CheckName(parse.GetValue(nameOpt)!);
            var positions = ReadPositions(parse.GetValue(positionsOpt)!);
            int? resamples = parse.GetValue(resamplesOpt);
            double? minFrequency = parse.GetValue(minFrequencyOpt);
            if (minFrequency is not null && resamples is null) throw new UsageException("--min-frequency needs --resamples");
            if (minFrequency is { } f && !(f > 0 && f <= 1)) throw new UsageException($"--min-frequency {f}: must be a fraction above 0 and at most 1");
            string? outPath = parse.GetValue(outOpt);
            var options = new DiscoverOptions(parse.GetValue(fileArg)!, method, Ablations[parse.GetValue(ablationOpt)!], edges, threshold, parse.GetValue(stepsOpt))
            {
                Hypothesis = parse.GetValue(hypothesisOpt), Out = outPath == "-" ? null : outPath, Json = parse.GetValue(jsonOpt),
                Models = ModelOption.Read(parse, modelOpt), Threads = parse.GetValue(threadsOpt), Name = name,
                Positions = positions, Resamples = resamples, MinFrequency = minFrequency,
            };
            return Finish(console, "discover", () => new DiscoverRunner(options, compilerFactory(), message => console.Error.WriteLine($"discover: {message}")).Run(),
                outPath, options.File, options.Json);
        }));
        return command;
    }

    /// <summary>`--positions`: null for all, else the named positions as given (each checked against the task later, where the data is known).</summary>
    public static IReadOnlyList<string>? ReadPositions(string text)
    {
        var names = text.Split(',').Select(n => n.Trim()).ToArray();
        if (names is ["all"]) return null;
        foreach (string name in names)
            if (name == "all") throw new UsageException($"--positions {text}: all is every position; give it alone or name positions");
            else if (!Discovery.Graph.EdgePositions.IsName(name)) throw new UsageException($"--positions {text}: '{name}' is not a named position (END, S2, S1+1)");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length) throw new UsageException($"--positions {text}: a position is named twice");
        return names;
    }

    /// <summary>The name the draft's hypothesis gets, if the language accepts it as one.</summary>
    public static string CheckName(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^[A-Za-z_][A-Za-z0-9_]*$") && !Language.Syntax.SyntaxFacts.ReservedWords.Contains(name)
        && !System.Text.RegularExpressions.Regex.IsMatch(name, "^L[0-9]+$")
            ? name
            : throw new UsageException($"--name {name}: not a name the language accepts");

    /// <summary>
    /// Runs a verb that drafts a circuit and writes what it made: a refusal prints its located diagnostics and writes
    /// nothing (exit 2); otherwise the JSON (when asked for) and the draft, each atomically.
    /// </summary>
    public static int Finish(CliConsole console, string verb, Func<DiscoverOutcome> run, string? outPath, string settingsFile, string? json)
    {
        DiscoverOutcome outcome;
        try
        {
            outcome = run();
        }
        catch (DiscoverInputException refused)
        {
            using var rendered = new StringWriter();
            DiagnosticRenderer.WriteText(rendered, refused.Diagnostics, refused.Sources);
            console.Error.Write(rendered.ToString());
            return ExitCodes.Error;
        }
        // The JSON goes first, so that a failure writing it leaves no draft without it.
        if (json is not null) AtomicFile.WriteAllText(json, outcome.Json);
        if (outPath == "-") console.Out.Write(outcome.Draft);
        else AtomicFile.WriteAllText(outPath ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(settingsFile))!, "discovered.circuit"), outcome.Draft);
        int claimed = outcome.Edges.Count(e => e.Effect is { } x && double.IsFinite(x) && Math.Abs(x) >= 1e-6);
        console.Error.WriteLine($"{verb}: {outcome.Edges.Count} edges kept, {claimed} claimed as path expectations");
        return ExitCodes.Ok;
    }
}
