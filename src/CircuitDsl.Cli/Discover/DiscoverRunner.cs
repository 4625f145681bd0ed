using CircuitDsl.Cli.Check;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Execution;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Language.Formatting;
using CircuitDsl.Language.Syntax;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Cli.Discover;

/// <summary>What a discovery run produced: the draft's text, the MIB JSON, and the kept edges.</summary>
public sealed record DiscoverOutcome(string Draft, string Json, IReadOnlyList<DraftEdge> Edges, EdgeScores Scores);

/// <summary>
/// `circuit discover`: the settings of a .circuit file, the model they name, one discovery method on its edge graph,
/// the kept edges measured by path patching, and a draft that binds (and is formatted) exactly as written. Every
/// refusal happens before anything is written; the outputs are written atomically, all or none.
/// </summary>
public sealed class DiscoverRunner(DiscoverOptions options, IPlanCompiler compiler, Action<string>? progress = null)
{
    /// <summary>Bytes the cached writes of senders may take (clean and ablated, for every example) before discovery refuses.</summary>
    public const long MaxCachedBytes = 4L << 30;

    public DiscoverOutcome Run()
    {
        string path = Path.GetFullPath(options.File);
        var settings = SettingsFile.Read(path, options.Hypothesis, options.Models, compiler);
        var bound = settings.Hypothesis;
        if (bound.Metric.Kind == MetricKind.Accuracy)
            throw settings.Refuse(bound.Metric.Span, "accuracy has no gradient and moves only in whole examples; use logit_diff, loss or kl");

        string reference = (options.Models ?? Models.ModelMapping.None).Apply(bound.ModelReference);
        string folder = ZooCatalog.ResolvePath(reference, Path.GetDirectoryName(path));
        string sha = ReportBuilder.Sha256OfFolder(folder);
        progress?.Invoke($"loading {reference}");
        using var loaded = ModelLoader.Load(folder, new ModelLoadOptions());
        var model = loaded.Model;
        if (EdgeGraph.Unsupported(model.Config) is { } unsupported) throw settings.Refuse(bound.Span, unsupported);
        TorchSharp.torch.set_num_threads(TorchThreads.For(model, options.Threads));

        var plan = settings.Runnable.BuildPlan(new ZooDatasets(loaded.Tokenizer, model.Config.ContextLength), new CheckOptions(), Path.GetDirectoryName(path)!);
        var graph = EdgeGraph.For(model.Config);
        long bytes = 2L * graph.Senders.Length * plan.Data.Count * plan.Data.Length * model.Config.DModel * sizeof(float);
        if (bytes > MaxCachedBytes)
            throw settings.Refuse(bound.Data.Span, $"discovery keeps every sender's clean and ablated write for every example: {bytes / (1 << 20):N0} MiB for {plan.Data.Count:N0} examples, over its {MaxCachedBytes >> 20:N0} MiB; use fewer examples (count)");

        var discoverySettings = new DiscoverySettings(plan.Data, plan.Metric)
        {
            Method = options.Method, Ablation = options.Ablation, Counterfactual = plan.Counterfactual, Seed = plan.Seed,
            Steps = options.Steps, Tau = options.Threshold ?? DiscoverOptions.DefaultTau, BatchSize = plan.BatchSize,
        };
        progress?.Invoke($"{Method(options)} on {graph.Count} edges, {plan.Data.Count} examples");
        using var discovery = new EdgeDiscovery(model, discoverySettings);
        var scores = discovery.Run();
        var (kept, selection) = Select(scores);
        var faithfulness = discovery.Faithfulness(kept);

        progress?.Invoke($"path patching {kept.Count} edges");
        var effects = PathEffects(model, plan, kept);
        var ranks = scores.Ranked().Select((p, i) => (p.Edge, i + 1)).ToDictionary(p => p.Edge, p => p.Item2);
        var draftEdges = kept.Select(e => new DraftEdge(e, scores[e], ranks[e], effects.TryGetValue(e, out double x) ? x : null)).ToArray();

        var provenance = new DraftProvenance(
            ToolInfo.Versions().CircuitDsl, Display(path), bound.Name, reference, sha, Setting("data", settings.TextOf(bound.Data.Span))["data ".Length..], plan.Data.Count,
            plan.Counterfactual == CounterfactualSource.Paired ? "each example's counterfactual" : $"a random pool example per reference (seed {plan.Seed})",
            Setting("metric", settings.TextOf(bound.Metric.Span))["metric ".Length..], Method(options), Ablation(options.Ablation), selection, plan.Seed, graph.Count, faithfulness);
        string outPath = Path.GetFullPath(options.Out ?? Path.Combine(Path.GetDirectoryName(path)!, "discovered.circuit"));
        string draft = DraftCircuit.Write(provenance, ModelLine(bound.ModelReference, path, outPath), Setting("data", settings.TextOf(bound.Data.Span)),
            Setting("metric", settings.TextOf(bound.Metric.Span)), options.Name, draftEdges);
        draft = Canonical(draft, outPath);
        return new DiscoverOutcome(draft, MibCircuitJson.Write(scores, kept, provenance), draftEdges, scores);
    }

    (IReadOnlyList<Edge> Kept, string Selection) Select(EdgeScores scores)
    {
        if (options.Method == DiscoveryMethod.Acdc)
        {
            var kept = scores.KeptEdges();
            return options.Edges is { } n
                ? (scores.Top(n), $"ACDC with tau {options.Threshold ?? DiscoverOptions.DefaultTau} kept {kept.Count}; the {n} of largest |delta| of those")
                : (kept, $"ACDC with tau {options.Threshold ?? DiscoverOptions.DefaultTau} (an edge removed when removing it raises KL(model || circuit) by less than tau)");
        }
        if (options.Threshold is { } threshold) return (scores.AtLeast(threshold), $"|score| >= {threshold}");
        int count = options.Edges ?? DiscoverOptions.DefaultEdges;
        return (scores.Top(count), $"the {count} edges of largest |score|");
    }

    /// <summary>The path-patching effect of each edge the language can claim, measured as `circuit check` measures it.</summary>
    static Dictionary<Edge, double> PathEffects(HookedTransformer model, ExperimentPlan settings, IReadOnlyList<Edge> edges)
    {
        var claimable = edges.Where(e => e.Receiver.Kind == ComponentKind.Logits || (e.Receiver.Kind == ComponentKind.Head && e.Receiver.Channel != Channel.Output)).ToArray();
        if (claimable.Length == 0) return [];
        var checks = claimable.Select((e, i) => (Interventions.Plan.Check)new PathPatchCheck($"edge {i}", PathPatchSpec.Of([PatchEndpoint.At(e.Sender)], PatchEndpoint.At(e.Receiver)))).ToArray();
        var result = new ExperimentRunner(model).Run(settings with { Checks = [.. checks] });
        return claimable.Select((e, i) => (e, result[$"edge {i}"][Statistic.Effect].Value)).ToDictionary(p => p.e, p => p.Item2);
    }

    /// <summary>The draft in the formatter's layout, after checking that it binds where it will be written (exit 2 otherwise).</summary>
    static string Canonical(string draft, string outPath)
    {
        var formatted = FormatCommand.TryFormat(SourceText.From(draft, outPath), out var syntax)
            ?? throw new InvalidOperationException($"the draft does not parse: {string.Join("; ", syntax.Select(d => d.ToString()))}");
        var analysis = CircuitAnalyzer.AnalyzeText(formatted, outPath, new PhysicalFileProvider(), new Models.ConfigModelResolver(null), ZooTasks.Catalog);
        if (analysis.HasErrors)
            throw new UsageException($"the draft would not bind at {outPath}: {string.Join("; ", analysis.Diagnostics.Where(d => d.IsError).Select(d => d.Message))} (a relative model or data path of the settings may not resolve from there; write the draft beside the settings file)");
        return formatted;
    }

    static string ModelLine(string reference, string source, string outPath)
    {
        if (reference.StartsWith(ZooCatalog.Prefix, StringComparison.Ordinal) || reference.Contains(':')) return $"model {reference}";
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

    public static string Method(DiscoverOptions o) => o.Method switch
    {
        DiscoveryMethod.Exact => "exact edge patching (every edge alone)",
        DiscoveryMethod.Eap => "EAP (gradient at the clean input times source - clean)",
        DiscoveryMethod.EapIg => $"EAP-IG-inputs, {o.Steps} steps (embeddings source + (k/{o.Steps})(clean - source), k = 0..{o.Steps - 1})",
        _ => $"ACDC, tau {o.Threshold ?? DiscoverOptions.DefaultTau}, metric KL(model || circuit) at the metric's positions",
    };

    static string Ablation(EdgeAblation a) => a switch
    {
        EdgeAblation.Counterfactual => "counterfactual patching (an ablated edge carries its sender's write on x_new)",
        EdgeAblation.Mean => "mean (its sender's mean write over the counterfactual pool, per position)",
        _ => "zero (its sender's write set to zero)",
    };
}
