using CircuitDsl.Cli.Check;
using CircuitDsl.Cli.Models;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Diagnostics;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Discover;

/// <summary>What `circuit discover` or `circuit import` produced: the draft's text, the MIB JSON, and the kept edges.</summary>
public sealed record DiscoverOutcome(string Draft, string Json, IReadOnlyList<DraftEdge> Edges, EdgeScores Scores);

/// <summary>
/// The settings of a .circuit file with the model they name loaded and their data built, as `circuit check` builds
/// them; and the last step both verbs share: a set of kept edges measured by path patching (as `check` will measure
/// them) and by MIB's faithfulness, written as a draft that binds (and is formatted) exactly as it will be written.
/// </summary>
public sealed class DiscoverySession : IDisposable
{
    readonly LoadedModel loaded;

    DiscoverySession(SettingsFile settings, LoadedModel loaded, string reference, string sha, ExperimentPlan plan)
    {
        Settings = settings;
        this.loaded = loaded;
        Reference = reference;
        ModelSha256 = sha;
        Plan = plan;
        Graph = EdgeGraph.For(loaded.Model.Config);
    }

    public SettingsFile Settings { get; }
    public string Reference { get; }
    public string ModelSha256 { get; }
    public ExperimentPlan Plan { get; }
    public EdgeGraph Graph { get; }
    public HookedTransformer Model => loaded.Model;

    public static DiscoverySession Open(string file, string? hypothesis, ModelMapping? models, int threads, IPlanCompiler compiler, Action<string>? progress)
    {
        string path = Path.GetFullPath(file);
        var settings = SettingsFile.Read(path, hypothesis, models, compiler);
        var bound = settings.Hypothesis;
        string directory = Path.GetDirectoryName(path)!;
        string reference = (models ?? ModelMapping.None).Apply(bound.ModelReference);
        string folder = ZooCatalog.ResolvePath(reference, directory);
        string sha = ReportBuilder.Sha256OfFolder(folder);
        progress?.Invoke($"loading {reference}");
        var loaded = ModelLoader.Load(folder, new ModelLoadOptions());
        try
        {
            var model = loaded.Model;
            TorchSharp.torch.set_num_threads(TorchThreads.For(model, threads));
            var plan = settings.Runnable.BuildPlan(new ZooDatasets(loaded.Tokenizer, model.Config.ContextLength), new CheckOptions(), directory);
            var session = new DiscoverySession(settings, loaded, reference, sha, plan);
            long bytes = MemoryEstimate.CachedBytes(model.Config, session.Graph, plan.Data.Count, plan.Data.Length);
            if (bytes > ResourceLimits.MaxDiscoveryCacheBytes)
                throw settings.Refuse(bound.Data.Span, $"discovery keeps every sender's clean and ablated write, the clean stream at every layer and the clean logits, for every example: {bytes / (1 << 20):N0} MiB for {plan.Data.Count:N0} examples of {plan.Data.Length} tokens, over its limit of {ResourceLimits.MaxDiscoveryCacheBytes >> 20:N0} MiB; use fewer examples (count)");
            return session;
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>Sets the memory (MiB) discovery may use in place of the machine's available memory (tests; a shared machine).</summary>
    public const string MemoryLimitVariable = "CIRCUIT_DISCOVER_MEMORY_MB";

    /// <summary>The most one stacked forward of exact patching may hold; bounded by the model and data, not the machine, so that a file stacks alike everywhere.</summary>
    const long ExactStackBytes = 2L << 30;

    /// <summary>
    /// Discovery's settings: the file's data, metric, seed and x_new, with the ablation and method given. Refused
    /// (CD4005, at the data statement, exit 2) when the method's estimated memory exceeds what the machine has.
    /// </summary>
    public DiscoverySettings DiscoverySettings(DiscoveryMethod method, EdgeAblation ablation, int steps, double tau)
    {
        var settings = new DiscoverySettings(Plan.Data, Plan.Metric)
        {
            Method = method, Ablation = ablation, Counterfactual = Plan.Counterfactual, Seed = Plan.Seed, Steps = steps, Tau = tau, BatchSize = Plan.BatchSize,
        };
        settings = settings with { MaxRows = Math.Min(settings.MaxRows, MemoryEstimate.RowsWithin(Model.Config, Plan.Data.Length, ExactStackBytes)) };
        RefuseWhenTooLarge(settings);
        return settings;
    }

    void RefuseWhenTooLarge(DiscoverySettings settings)
    {
        bool speculative = Model.W_E.device.type == TorchSharp.DeviceType.CUDA;
        var estimate = MemoryEstimate.For(Model.Config, Graph, settings, speculative);
        long limit;
        string source;
        try
        {
            (limit, source) = MemoryEstimate.Available(MemoryLimitVariable);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        if (estimate.TotalBytes <= limit) return;
        int fits = MemoryEstimate.ExamplesWithin(Model.Config, Graph, settings, limit, speculative);
        string advice = fits > 0
            ? $"use a smaller data set (count: {fits:N0} or fewer of {Plan.Data.Count:N0} fit, in batches of {Math.Min(Plan.BatchSize, fits)})"
            : $"not even one example of {Plan.Data.Length} tokens fits: use shorter examples or a machine with more memory";
        var bound = Settings.Hypothesis;
        throw new DiscoverInputException([RunDiagnostics.DiscoveryOutOfMemory.Create(bound.Data.Span, bound.Name, MethodName(settings.Method),
            MemoryEstimate.Mib(estimate.TotalBytes), estimate.Describe(), MemoryEstimate.Mib(limit), source, advice)], Settings.Analysis.Sources.SourceOf);
    }

    static string MethodName(DiscoveryMethod method) => method switch
    {
        DiscoveryMethod.Exact => "exact patching",
        DiscoveryMethod.Eap => "EAP",
        DiscoveryMethod.EapIg => "EAP-IG",
        DiscoveryMethod.Acdc => "ACDC",
        _ => method.ToString(),
    };

    /// <summary>
    /// The position buckets of `--positions NAMES` (null for every position): each name must be one the data's task
    /// defines (CD2021 at the data statement otherwise), and no two may share a position in any example (CD4003).
    /// </summary>
    /// <param name="origin">Where the names come from, as diagnostics say it.</param>
    public EdgePositions? Positions(IReadOnlyList<string>? names, string? origin = null)
    {
        if (names is null) return null;
        var data = Settings.Hypothesis.Data;
        var positions = EdgePositions.Of(names);
        var unknown = positions.Sets.Select((set, i) => (Name: ((NamedPosition)set.Selectors[0]).Name, Given: positions.Names[i]))
            .Where(p => !data.NamedPositions.Contains(p.Name)).ToArray();
        if (unknown.Length > 0)
            throw new DiscoverInputException([.. unknown.Select(p => DiagnosticCatalog.UnknownPosition.Create(data.Span, p.Name, data.Task.Name,
                $" ({origin ?? "--positions"} {p.Given})", data.NamedPositions.IsEmpty ? "none" : string.Join(", ", data.NamedPositions)))], Settings.Analysis.Sources.SourceOf);
        if (positions.Overlap(Plan.Data.Examples) is { } overlap) throw Settings.Refuse(data.Span, $"{origin ?? "--positions"} {string.Join(",", names)}: {overlap}");
        return positions;
    }

    /// <summary>
    /// The draft of <paramref name="kept"/> (ranked by <paramref name="scores"/>, with each edge's selection frequency
    /// when stability was measured), and the circuit as MIB JSON (a per-position circuit folded over its positions).
    /// </summary>
    public DiscoverOutcome Draft(EdgeDiscovery discovery, EdgeScores scores, IReadOnlyList<Edge> kept, string method, string selection, string name, string? outPath,
        Action<string>? progress, EdgeFrequencies? frequencies = null)
    {
        var bound = Settings.Hypothesis;
        var faithfulness = discovery.Faithfulness(kept);
        progress?.Invoke($"path patching {kept.Count} edges");
        var effects = PathEffects(kept, discovery.Graph.Positions);
        var ranks = scores.Ranked().Select((p, i) => (p.Edge, i + 1)).ToDictionary(p => p.Edge, p => p.Item2);
        var draftEdges = kept.Select(e => new DraftEdge(e, scores[e], ranks[e], effects.TryGetValue(e, out double x) ? x : null)
        {
            Frequency = frequencies is null ? null : (frequencies.Selected[frequencies.Graph.IndexOf(e)], frequencies.Resamples),
        }).ToArray();
        var circuit = CircuitClaim(discovery, kept, draftEdges, faithfulness);
        string dataText = Setting("data", Settings.TextOf(bound.Data.Span));
        string metricText = Setting("metric", Settings.TextOf(bound.Metric.Span));
        var provenance = new DraftProvenance(
            ToolInfo.Versions().CircuitDsl, Display(Settings.Path), bound.Name, Reference, ModelSha256, dataText["data ".Length..], Plan.Data.Count,
            Plan.Counterfactual == CounterfactualSource.Paired ? "each example's counterfactual" : $"a random pool example per reference (seed {Plan.Seed})",
            metricText["metric ".Length..], method, Ablation(discovery.Settings.Ablation), selection, Plan.Seed, discovery.Graph.Count, faithfulness, ScoreMeaning(scores.Method),
            FaithfulnessCurve.Of(discovery, scores));
        string target = Path.GetFullPath(outPath ?? Path.Combine(Path.GetDirectoryName(Settings.Path)!, "discovered.circuit"));
        string draft = DraftCircuit.Write(provenance, ModelLine(bound.ModelReference, Settings.Path, target), dataText, metricText, name, draftEdges, circuit, Graph);
        string json = MibCircuitJson.Write(scores, kept, provenance);
        return new DiscoverOutcome(Canonical(draft, target, circuit.Omitted is null ? DraftGraph.Stated(draftEdges, Graph) : null), json, draftEdges, scores);
    }

    /// <summary>
    /// The circuit the draft states (its graph and path claims), measured as `expect circuit faithfulness` will measure
    /// it; the graph is left out when treeifying it would pass the binder's bound (CD2035).
    /// </summary>
    static DraftCircuitClaim CircuitClaim(EdgeDiscovery discovery, IReadOnlyList<Edge> kept, IReadOnlyList<DraftEdge> edges,
        (double F, double Circuit, double Model, double Empty) keptFaithfulness)
    {
        string ablation = discovery.Settings.Ablation switch
        {
            EdgeAblation.Mean => "ablation mean",
            EdgeAblation.Zero => "ablation zero",
            _ => "ablation resample",
        };
        // `expect circuit faithfulness` is measured on the all-position graph (an `at` on an edge is CD2051).
        if (discovery.Graph.Positions is not null)
            return new DraftCircuitClaim([], 0, keptFaithfulness, ablation, "its edges are per position, and a circuit's edges span every position (CD2051)");
        var rooted = DraftGraph.Spelled(DraftGraph.Rooted(kept, discovery.Graph), discovery.Graph);
        if (DraftGraph.TreeSize(rooted, ResourceLimits.MaxTreeNodes) > ResourceLimits.MaxTreeNodes)
            return new DraftCircuitClaim([], 0, keptFaithfulness, ablation, $"treeified it would have more than {ResourceLimits.MaxTreeNodes:N0} node copies");
        var stated = DraftGraph.Stated(edges, discovery.Graph);
        // The stated edges are kept edges: as many means the same set, and the same number.
        var faithfulness = stated.Count == kept.Count ? keptFaithfulness : discovery.Faithfulness(stated);
        return new DraftCircuitClaim(rooted, stated.Count, faithfulness, ablation);
    }

    /// <summary>
    /// The path-patching effect of each edge the language can claim, measured as `circuit check` measures it: a
    /// per-position edge at a named position as <c>expect path S at P -&gt; R at P</c> (sender and receiver both at P).
    /// The other-positions bucket has no such claim.
    /// </summary>
    Dictionary<Edge, double> PathEffects(IReadOnlyList<Edge> edges, EdgePositions? positions)
    {
        var claimable = edges.Where(e => (e.Receiver.Kind == ComponentKind.Logits || (e.Receiver.Kind == ComponentKind.Head && e.Receiver.Channel != Channel.Output))
            && e.Position != EdgePositions.Other).ToArray();
        if (claimable.Length == 0) return [];
        PatchEndpoint At(Component c, string? at) => PatchEndpoint.At(c, at is null ? null : positions!.SetOf(at));
        var checks = claimable.Select((e, i) => (Interventions.Plan.Check)new PathPatchCheck($"edge {i}", PathPatchSpec.Of([At(e.Sender, e.Position)], At(e.Receiver, e.Position)))).ToArray();
        var result = new ExperimentRunner(Model).Run(Plan with { Checks = [.. checks] });
        return claimable.Select((e, i) => (e, result[$"edge {i}"][Statistic.Effect].Value)).ToDictionary(p => p.e, p => p.Item2);
    }

    /// <summary>The draft in the formatter's layout, after checking that it binds where it will be written (exit 2 otherwise).</summary>
    static string Canonical(string draft, string outPath, IReadOnlyList<Edge>? stated)
    {
        var formatted = FormatCommand.TryFormat(SourceText.From(draft, outPath), out var syntax)
            ?? throw new InvalidOperationException($"the draft does not parse: {string.Join("; ", syntax.Select(d => d.ToString()))}");
        var analysis = CircuitAnalyzer.AnalyzeText(formatted, outPath, new PhysicalFileProvider(), new ConfigModelResolver(null), ZooTasks.Catalog);
        if (analysis.HasErrors)
            throw new UsageException($"the draft would not bind at {outPath}: {string.Join("; ", analysis.Diagnostics.Where(d => d.IsError).Select(d => d.Message))} (a relative model or data path of the settings may not resolve from there; write the draft beside the settings file)");
        // What the binder calls the hypothesis's own edges must be the edges whose faithfulness the draft claims.
        var bound = analysis.File!.Hypotheses.Single().Expectations.FirstOrDefault(e => e.Subject == ExpectationSubject.Circuit);
        if (stated is not null && bound is not null && !bound.Edges.Select(e => new Edge(e.Sender, e.Receiver)).ToHashSet().SetEquals(stated))
            throw new InvalidOperationException($"the draft states the edges {string.Join(", ", bound.Edges)}, not the {stated.Count} edges whose faithfulness it claims");
        return formatted;
    }

    static string ModelLine(string reference, string source, string outPath)
    {
        if (reference.Contains(':')) return $"model {reference}";
        string folder = Path.GetFullPath(reference, Path.GetDirectoryName(source)!);
        return $"model \"{Path.GetRelativePath(Path.GetDirectoryName(outPath)!, folder).Replace('\\', '/')}\"";
    }

    /// <summary>A setting as the source states it (its span may or may not include the keyword).</summary>
    static string Setting(string keyword, string text)
    {
        text = text.Trim();
        return text.StartsWith(keyword + " ", StringComparison.Ordinal) ? text : $"{keyword} {text}";
    }

    static string Display(string path)
    {
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return (relative.StartsWith("..", StringComparison.Ordinal) ? path : relative).Replace('\\', '/');
    }

    static string ScoreMeaning(DiscoveryMethod method) => method switch
    {
        DiscoveryMethod.Exact => "m(edge ablated) - m(clean), the metric averaged over scored positions",
        DiscoveryMethod.Eap or DiscoveryMethod.EapIg => "the first-order estimate of m(edge ablated) - m(clean), the metric averaged over scored positions",
        DiscoveryMethod.Acdc => "how much KL(model || circuit) rose when ACDC tried removing the edge (removed below tau)",
        _ => "as the imported file gives it",
    };

    static string Ablation(EdgeAblation a) => a switch
    {
        EdgeAblation.Counterfactual => "counterfactual patching (an ablated edge carries its sender's write on x_new)",
        EdgeAblation.Mean => "mean (its sender's mean write over the counterfactual pool, per position)",
        _ => "zero (its sender's write set to zero)",
    };

    public void Dispose() => loaded.Dispose();
}
