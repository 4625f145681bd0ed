using System.Collections.Immutable;
using CircuitDsl.Discovery.Graph;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Methods;

/// <summary>One point of a faithfulness curve: the top <see cref="Fraction"/> of the edges, how many that is, and f.</summary>
public readonly record struct CurvePoint(double Fraction, int Edges, double Faithfulness);

/// <summary>
/// MIB's faithfulness curve of a ranking: f(C_k) = (m(C_k) − m(∅)) / (m(N) − m(∅)) for the circuits C_k of the top k% of
/// edges, k in {0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100} (⌈k·edges⌉ edges, every other edge ablated), and its areas
/// (trapezoids over the fraction): CPR with the edges ranked by how much they help (the signed score, oriented so that
/// an edge whose ablation moves the metric toward m(∅) comes first; higher is better), CMD = area of |1 − f| with them
/// ranked by |score| (0 is best).
/// </summary>
public sealed record FaithfulnessCurve(ImmutableArray<CurvePoint> BySignedScore, ImmutableArray<CurvePoint> ByMagnitude, double Cpr, double Cmd)
{
    public static readonly ImmutableArray<double> Fractions = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0];

    public static FaithfulnessCurve Of(EdgeDiscovery discovery, EdgeScores scores)
    {
        using var scope = NewDisposeScope(); // the masks' element writes make tensors too
        var graph = scores.Graph;
        var metric = discovery.Settings.Metric;
        var ends = ones(2, graph.Count);
        ends[0] = zeros(graph.Count); // the model (nothing ablated), then the empty circuit
        var measured = discovery.Evaluate(metric, ends);
        var (model, empty) = (measured[0], measured[1]);
        // A score is m(edge ablated) − m(clean) in the metric the method scored with (the file's, or ACDC's KL). An
        // edge helps the behaviour when ablating it moves that metric from m(N) toward m(∅): a negative score for a
        // logit difference (m(N) above m(∅)), a positive one for a loss or a KL.
        var scored = scores.Method == DiscoveryMethod.Acdc ? discovery.Settings.EffectiveAcdcMetric : metric;
        var oriented = scored == metric ? measured : discovery.Evaluate(scored, ends);
        double toward = Math.Sign(oriented[0] - oriented[1]);
        var signed = Enumerable.Range(0, graph.Count).OrderByDescending(i => -toward * scores.Scores[i]).ThenBy(i => i).ToArray();
        var magnitude = Enumerable.Range(0, graph.Count).OrderByDescending(i => Math.Abs(scores.Scores[i])).ThenBy(i => i).ToArray();
        var counts = Fractions.Select(k => (int)Math.Min(graph.Count, Math.Ceiling(k * graph.Count - 1e-9))).ToArray();

        // Rows: each circuit of the signed ranking, then each of the magnitude ranking.
        var masks = ones(2 * counts.Length, graph.Count);
        for (int c = 0; c < counts.Length; c++)
            for (int i = 0; i < counts[c]; i++)
            {
                masks[c, signed[i]] = 0;
                masks[counts.Length + c, magnitude[i]] = 0;
            }
        var m = new List<double>();
        for (int first = 0; first < masks.shape[0]; first += 4)
        {
            var chunk = masks.narrow(0, first, Math.Min(4, masks.shape[0] - first));
            m.AddRange(discovery.Evaluate(metric, chunk));
        }
        double span = model - empty;
        double F(int row) => span == 0 ? double.NaN : (m[row] - empty) / span;
        var bySigned = counts.Select((n, c) => new CurvePoint(Fractions[c], n, F(c))).ToImmutableArray();
        var byMagnitude = counts.Select((n, c) => new CurvePoint(Fractions[c], n, F(counts.Length + c))).ToImmutableArray();
        return new FaithfulnessCurve(bySigned, byMagnitude, Area(bySigned, f => f), Area(byMagnitude, f => Math.Abs(1 - f)));
    }

    static double Area(ImmutableArray<CurvePoint> curve, Func<double, double> value)
    {
        double area = 0;
        for (int i = 1; i < curve.Length; i++)
            area += (curve[i].Fraction - curve[i - 1].Fraction) * (value(curve[i].Faithfulness) + value(curve[i - 1].Faithfulness)) / 2;
        return area;
    }
}
