using System.Globalization;
using System.Text;
using CircuitDsl.Discovery.Graph;
using CircuitDsl.Discovery.Methods;

namespace CircuitDsl.Cli.Discover;

/// <summary>One kept edge as the draft states it: its score and rank, and its path-patching effect when the language can claim it.</summary>
public sealed record DraftEdge(Edge Edge, double Score, int Rank, double? Effect)
{
    /// <summary>With `--resamples`: in how many of how many bootstrap resamples the edge was selected.</summary>
    public (int Selected, int Resamples)? Frequency { get; init; }
}

/// <summary>
/// The circuit as the draft's hypothesis states it: the graph's edges as its nodes state them (<see cref="DraftGraph.Spelled"/>), how many edges
/// the hypothesis states with its path claims, their faithfulness as `expect circuit faithfulness` measures it, and the
/// ablation statement that makes `check` ablate as discovery did. <see cref="Omitted"/> says why there is no graph.
/// </summary>
public sealed record DraftCircuitClaim(IReadOnlyList<Edge> Rooted, int Stated, (double F, double Circuit, double Model, double Empty) Faithfulness, string Ablation, string? Omitted = null);

/// <summary>Where a draft came from, echoed in its header so that the draft can be reproduced and judged.</summary>
public sealed record DraftProvenance(
    string Tool, string Source, string Hypothesis, string Model, string ModelSha256, string Data, int Examples, string XNew,
    string Metric, string Method, string Ablation, string Selection, long Seed, int EdgesInGraph,
    (double F, double Circuit, double Model, double Empty) Faithfulness, string ScoreMeaning, FaithfulnessCurve Curve);

/// <summary>
/// The draft .circuit file: a provenance header, the settings copied as the source file states them, TODO role
/// comments per component, and one hypothesis whose expectations are the kept edges as path-patching claims, each
/// at half its measured effect (so the draft holds on the data it was found on, and a regression of half the effect
/// fails it). Edges the language cannot claim yet (into an MLP) or that path patching does not see are kept as comments.
/// The kept edges are also the interpretation graph's nodes and `from` clauses, so that `expect circuit faithfulness`
/// measures them: claimed at 90% of their measured faithfulness, rounded down to three significant digits (so the draft
/// holds on its data, and a circuit that loses a tenth of its faithfulness fails it).
/// </summary>
public static class DraftCircuit
{
    /// <summary>The share of the measured faithfulness a draft claims.</summary>
    public const double FaithfulnessMargin = 0.9;

    /// <summary>Whether the draft claims <paramref name="edge"/> as a path (its effect is a number away from zero).</summary>
    public static bool IsClaimed(DraftEdge edge) => edge.Effect is { } effect && double.IsFinite(effect) && Math.Abs(effect) >= 1e-6;

    public static string Write(DraftProvenance p, string modelLine, string dataLine, string metricLine, string name, IReadOnlyList<DraftEdge> edges,
        DraftCircuitClaim claim, EdgeGraph graph)
    {
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        Line($"// Draft written by `circuit discover` (CircuitDsl {p.Tool}): a proposal to review, not a finding.");
        Line($"// source: {p.Source} (settings of hypothesis '{p.Hypothesis}')");
        Line($"// model: {p.Model}, sha256 {p.ModelSha256}");
        Line($"// data: {p.Data}, {p.Examples} examples; x_new: {p.XNew}");
        Line($"// metric: {p.Metric}");
        Line($"// method: {p.Method}; ablation: {p.Ablation}");
        Line($"// selection: {p.Selection}; {edges.Count} of {p.EdgesInGraph} edges kept");
        var (f, circuit, model, empty) = p.Faithfulness;
        Line($"// faithfulness (MIB, every other edge ablated as above): {Number(f)}; metric of the circuit {Number(circuit)}, the model {Number(model)}, no edge {Number(empty)}");
        Line($"// faithfulness of the top k% of edges by |score| (MIB): {string.Join(", ", p.Curve.ByMagnitude.Select(c => $"{Number(100 * c.Fraction)}% {Number(c.Faithfulness)}"))}; CMD {Number(p.Curve.Cmd)}, CPR (ranked by signed score) {Number(p.Curve.Cpr)}");
        if (claim.Omitted is null)
        {
            var (sf, sc, sm, se) = claim.Faithfulness;
            Line($"// the hypothesis states {claim.Stated} of these edges as nodes and path claims ({edges.Count - claim.Stated} lead to components whose output no kept edge reads, so they change no metric);");
            Line($"//   their faithfulness {Number(sf)} (circuit {Number(sc)}, model {Number(sm)}, no edge {Number(se)}) is what `expect circuit faithfulness` measures, claimed at {Number(FaithfulnessMargin)} of it.");
        }
        else
        {
            Line($"// the kept edges are not stated as a graph ({claim.Omitted}), so no circuit faithfulness is claimed.");
        }
        Line($"// score: {p.ScoreMeaning} (signed; rank by |score|).");
        Line("// Each claim below is path patching (effect = (patched - clean) / (clean - corrupted)) at half its measured effect.");
        Line();
        Line(modelLine);
        Line(dataLine);
        Line(metricLine);
        Line();
        foreach (var component in Components(edges).Where(c => c.Kind is ComponentKind.Head or ComponentKind.Mlp))
        {
            var sends = edges.Where(e => e.Edge.Sender == component).Select(e => e.Edge.Receiver + (e.Edge.Position is { } at ? $" at {at}" : "")).Distinct().ToArray();
            var reads = edges.Where(e => e.Edge.Receiver.AsOutput == component && !component.IsEmbedding)
                .Select(e => $"{e.Edge.Sender} into {ChannelName(e.Edge.Receiver)}{(e.Edge.Position is { } at ? $" at {at}" : "")}").Distinct().ToArray();
            string flows = string.Join("; ", new[] { reads.Length > 0 ? "reads " + string.Join(", ", reads) : null, sends.Length > 0 ? "sends to " + string.Join(", ", sends) : null }.OfType<string>());
            Line($"// TODO role of {component}: {flows}.");
        }
        Line();
        Line($"hypothesis {name} \"TODO: what this circuit computes\" {{");
        Line("  // What an ablated edge carries in `expect circuit` (resample: counterfactual patching), as discovery ran.");
        Line($"  {claim.Ablation}");
        var nodes = claim.Omitted is null ? DraftGraph.Nodes(claim.Rooted) : [];
        if (nodes.Count > 0) Line("  // The circuit: each node reads its kept edges.");
        foreach (string node in nodes) Line("  " + node);
        foreach (var edge in edges)
        {
            string scored = $"score {Number(edge.Score)}, rank {edge.Rank}"
                + (edge.Frequency is var (selected, resamples) ? $", frequency {Number((double)selected / resamples)} ({selected} of {resamples} resamples)" : "");
            if (edge.Effect is not { } effect)
                Line($"  // {edge.Edge}: {scored}; not claimed: " + (edge.Edge.Position == EdgePositions.Other
                    ? "`at` cannot say the other positions"
                    : "a path's receivers are heads' q/k/v inputs or the logits"));
            else if (!double.IsFinite(effect) || Math.Abs(effect) < 1e-6)
                Line($"  // {edge.Edge}: {scored}; not claimed: its path-patching effect is {Number(effect)}");
            else
            {
                Line($"  // {scored}, path-patching effect {Number(effect)}");
                Line($"  expect path {DraftGraph.PathClaim(edge.Edge, graph)} effect {(effect < 0 ? "<=" : ">=")} {Threshold(effect / 2)}");
            }
        }
        if (claim.Omitted is null && claim.Faithfulness.F is var stated && double.IsFinite(stated) && stated > 0)
        {
            // In full, so that a reviewer (and a test) can compare what `check` reports with what discovery measured.
            Line($"  // faithfulness {stated.ToString("R", CultureInfo.InvariantCulture)} of the {claim.Stated} edges stated above (MIB; every other edge ablated)");
            Line($"  expect circuit faithfulness >= {Threshold(FaithfulnessMargin * stated)}");
        }
        else if (claim.Omitted is null)
        {
            Line($"  // not claimed: the faithfulness of the {claim.Stated} edges stated above is {Number(claim.Faithfulness.F)}");
        }
        Line("}");
        return text.ToString();
    }

    /// <summary>Components named by the edges, in residual order (the embeddings first, the logits last).</summary>
    static IEnumerable<Component> Components(IReadOnlyList<DraftEdge> edges) =>
        edges.SelectMany(e => new[] { e.Edge.Sender, e.Edge.Receiver.AsOutput }).Distinct()
            .OrderBy(c => c.ResidualOrder).ThenBy(c => c.HeadIndex);

    static string ChannelName(Component receiver) => receiver.Channel switch
    {
        Channel.Query => "q",
        Channel.Key => "k",
        Channel.Value => "v",
        _ => "its input",
    };

    /// <summary>A number for comments: four significant digits.</summary>
    public static string Number(double value) => (value + 0.0).ToString("G4", CultureInfo.InvariantCulture); // + 0.0: no "-0"

    /// <summary>
    /// <paramref name="value"/> to three significant digits, rounded toward zero (so a claim at half an effect stays on
    /// the effect's side), written without an exponent, as the language reads numbers.
    /// </summary>
    public static string Threshold(double value)
    {
        double magnitude = Math.Abs(value);
        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        int decimals = Math.Max(0, 2 - exponent);
        double scale = Math.Pow(10, decimals);
        decimal rounded = (decimal)(Math.Floor(magnitude * scale) / scale);
        rounded = Math.Round(rounded, decimals);
        return (value < 0 ? "-" : "") + rounded.ToString("0.############################", CultureInfo.InvariantCulture);
    }
}
