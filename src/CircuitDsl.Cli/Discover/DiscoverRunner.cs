using CircuitDsl.Cli.Check;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;

namespace CircuitDsl.Cli.Discover;

/// <summary>
/// `circuit discover`: the settings of a .circuit file, one discovery method on the model's edge graph, a selection
/// rule, and the draft. Every refusal happens before anything is written.
/// </summary>
public sealed class DiscoverRunner(DiscoverOptions options, IPlanCompiler compiler, Action<string>? progress = null)
{
    public DiscoverOutcome Run()
    {
        using var session = DiscoverySession.Open(options.File, options.Hypothesis, options.Models, options.Threads, compiler, progress);
        var settings = session.DiscoverySettings(options.Method, options.Ablation, options.Steps, options.Threshold ?? DiscoverOptions.DefaultTau)
            with { Positions = session.Positions(options.Positions) };
        int edges = session.Graph.Count * (settings.Positions?.Count ?? 1);
        // The resamples run first, each freed before the next, so that at most one discovery's writes are held at once.
        EdgeFrequencies? frequencies = null;
        if (options.Resamples is { } resamples)
        {
            progress?.Invoke($"{Method(options)} on {edges} edges, {resamples} bootstrap resamples of {settings.Data.Count} examples");
            frequencies = Stability.Run(session.Model, settings, resamples, s => Select(s).Kept, k => progress?.Invoke($"resample {k + 1} of {resamples}"));
        }
        progress?.Invoke($"{Method(options)} on {edges} edges, {settings.Data.Count} examples");
        using var discovery = EdgeDiscovery.ForRun(session.Model, settings);
        var scores = discovery.Run();
        var (kept, selection) = Select(scores);
        if (frequencies is not null)
        {
            double least = options.MinFrequency ?? Stability.DefaultMinFrequency;
            kept = frequencies.AtLeast(least);
            selection = $"the edges selected in at least {least:0.###} of {frequencies.Resamples} bootstrap resamples of the data (seed {frequencies.Seed}; "
                + $"resample k draws the {settings.Data.Count} examples with replacement, stream \"bootstrap k\") by the rule: {selection}; scores and ranks from the whole data";
        }
        return session.Draft(discovery, scores, kept, Method(options, settings.Positions), selection, options.Name, options.Out, progress, frequencies);
    }

    (IReadOnlyList<Edge> Kept, string Selection) Select(EdgeScores scores)
    {
        if (options.Method == DiscoveryMethod.Acdc)
        {
            var kept = scores.KeptEdges();
            double tau = options.Threshold ?? DiscoverOptions.DefaultTau;
            return options.Edges is { } n
                ? (scores.Top(n), $"ACDC with tau {tau} kept {kept.Count}; the {Math.Min(n, kept.Count)} of largest |delta| of those")
                : (kept, $"ACDC with tau {tau} (an edge removed when removing it raises KL(model || circuit) by less than tau)");
        }
        if (options.Threshold is { } threshold) return (scores.AtLeast(threshold), $"|score| >= {threshold}");
        int count = options.Edges ?? DiscoverOptions.DefaultEdges;
        return (scores.Top(count), $"the {count} edges of largest |score|");
    }

    public static string Method(DiscoverOptions o, EdgePositions? positions = null) => Method(o) + PerPosition(positions);

    /// <summary>How a draft's method line says that its edges are per position (nothing for an all-position graph).</summary>
    public static string PerPosition(EdgePositions? positions) => positions is null ? ""
        : $"; per-position edges (a sender at p into a receiver at p) at {string.Join(", ", positions.Names)} and at the {EdgePositions.Other} of each example";

    public static string Method(DiscoverOptions o) => o.Method switch
    {
        DiscoveryMethod.Exact => "exact edge patching (every edge alone)",
        DiscoveryMethod.Eap => "EAP (gradient at the clean input times source - clean)",
        DiscoveryMethod.EapIg => $"EAP-IG-inputs, {o.Steps} steps (embeddings source + (k/{o.Steps})(clean - source), k = 0..{o.Steps - 1})",
        _ => $"ACDC, tau {o.Threshold ?? DiscoverOptions.DefaultTau}, metric KL(model || circuit) at the metric's positions",
    };
}
