using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using TorchSharp;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Running;

/// <summary>
/// A metric as discovery needs it: differentiable, and summed over the scored rows of each variant of a stacked run
/// (the engine's <see cref="MetricReader"/> scores per example, without gradients). The rows and their meaning are
/// the engine's: <c>loss</c> is next-token cross-entropy (the last position never scored), <c>logit_diff</c> is
/// logit(answer) − logit(wrong), <c>kl</c> is KL(model ‖ run) against the clean logits of the same references.
/// Accuracy has no gradient and no small changes, so discovery refuses it.
/// </summary>
internal sealed class DiscoveryMetric : IDisposable
{
    readonly MetricKind kind;
    readonly Tensor rows;        // [R] flat indices b·pos + p
    readonly Tensor? targets;    // [R] loss: next token; logit_diff: answer
    readonly Tensor? wrong;      // [R] logit_diff: wrong answer
    readonly Tensor? reference;  // [R, vocab] kl: log-probabilities of the clean run
    readonly long batch, length;

    DiscoveryMetric(MetricKind kind, Tensor rows, Tensor? targets, Tensor? wrong, Tensor? reference, long batch, long length)
    {
        (this.kind, this.rows, this.targets, this.wrong, this.reference, this.batch, this.length) = (kind, rows, targets, wrong, reference, batch, length);
        Count = (int)rows.shape[0];
    }

    /// <summary>How many rows (example, position) the metric scores in this batch.</summary>
    public int Count { get; }

    public static string? Unsupported(MetricSpec spec) =>
        spec.Kind == MetricKind.Accuracy ? "accuracy has no gradient and moves only in whole examples; use logit_diff, loss or kl" : null;

    /// <summary>The metric on <paramref name="examples"/> (their tokens and labels), with <paramref name="cleanLogits"/> [B, p, vocab] as KL's reference.</summary>
    public static DiscoveryMetric For(MetricSpec spec, IReadOnlyList<Example> examples, Tensor cleanLogits)
    {
        if (Unsupported(spec) is { } reason) throw new NotSupportedException(reason);
        int length = examples[0].Length;
        var rows = new List<long>();
        var targets = new List<long>();
        var wrong = new List<long>();
        for (int b = 0; b < examples.Count; b++)
        {
            var example = examples[b];
            foreach (int p in spec.Positions.Resolve(example))
            {
                if (spec.Kind == MetricKind.Loss && p == length - 1) continue;
                rows.Add((long)b * length + p);
                if (spec.Kind == MetricKind.Loss) targets.Add(example.Tokens[p + 1]);
                if (spec.Kind == MetricKind.LogitDiff)
                {
                    targets.Add(example.Answer ?? throw new InvalidOperationException($"{example.Source ?? "an example"} has no answer; logit_diff needs one"));
                    wrong.Add(example.WrongAnswer ?? throw new InvalidOperationException($"{example.Source ?? "an example"} has no wrong answer; logit_diff needs one"));
                }
            }
        }
        if (rows.Count == 0) throw new InvalidOperationException($"the metric {spec} scores no position of these examples");
        var rowTensor = tensor(rows.ToArray()).DetachFromDisposeScope();
        Tensor? reference = null;
        if (spec.Kind == MetricKind.KL)
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            reference = cleanLogits.detach().reshape(-1, cleanLogits.shape[2]).index_select(0, rowTensor).log_softmax(-1).MoveToOuterDisposeScope().DetachFromDisposeScope();
        }
        return new DiscoveryMetric(spec.Kind, rowTensor,
            targets.Count > 0 ? tensor(targets.ToArray()).DetachFromDisposeScope() : null,
            wrong.Count > 0 ? tensor(wrong.ToArray()).DetachFromDisposeScope() : null,
            reference, examples.Count, length);
    }

    /// <summary>The metric summed over this batch's scored rows, per variant: [V] for logits [V·B, pos, vocab].</summary>
    public Tensor Sums(Tensor logits)
    {
        long variants = logits.shape[0] / batch;
        return SumsOfRows(logits.reshape(variants, batch * length, logits.shape[2]).index_select(1, rows));
    }

    /// <summary>The scored rows as flat indices b·pos + p into this batch's [B, pos] (where a run may compute only these logits).</summary>
    public Tensor Rows => rows;

    /// <summary>The same sums from the logits of the scored rows only, [V, R, vocab] in <see cref="Rows"/>' order.</summary>
    public Tensor SumsOfRows(Tensor flat)
    {
        long variants = flat.shape[0];
        switch (kind)
        {
            case MetricKind.Loss:
            {
                var logProbs = flat.log_softmax(-1);
                return -logProbs.gather(2, targets!.view(1, -1, 1).expand(variants, -1, 1)).squeeze(2).sum(1);
            }
            case MetricKind.LogitDiff:
            {
                var answer = flat.gather(2, targets!.view(1, -1, 1).expand(variants, -1, 1));
                var foil = flat.gather(2, wrong!.view(1, -1, 1).expand(variants, -1, 1));
                return (answer - foil).squeeze(2).sum(1);
            }
            case MetricKind.KL:
            {
                var logProbs = flat.log_softmax(-1);
                var p = reference!.exp().unsqueeze(0);
                return (p * (reference.unsqueeze(0) - logProbs)).sum([1, 2]);
            }
            default:
                throw new NotSupportedException(Unsupported(new MetricSpec(kind, PositionSet.All)));
        }
    }

    /// <summary>
    /// The metric per example of each variant, summed over the example's scored rows: [V, B] in float64 (the rows'
    /// values as <see cref="Sums"/> computes them); <see cref="ExampleCounts"/> says how many rows each example has.
    /// </summary>
    public Tensor PerExample(Tensor logits)
    {
        long variants = logits.shape[0] / batch;
        var flat = logits.reshape(variants, batch * length, logits.shape[2]).index_select(1, rows); // [V, R, vocab]
        Tensor values; // [V, R]
        switch (kind)
        {
            case MetricKind.Loss:
                values = -flat.log_softmax(-1).gather(2, targets!.view(1, -1, 1).expand(variants, -1, 1)).squeeze(2);
                break;
            case MetricKind.LogitDiff:
                values = (flat.gather(2, targets!.view(1, -1, 1).expand(variants, -1, 1)) - flat.gather(2, wrong!.view(1, -1, 1).expand(variants, -1, 1))).squeeze(2);
                break;
            case MetricKind.KL:
                var p = reference!.exp().unsqueeze(0);
                values = (p * (reference.unsqueeze(0) - flat.log_softmax(-1))).sum(2);
                break;
            default:
                throw new NotSupportedException(Unsupported(new MetricSpec(kind, PositionSet.All)));
        }
        var example = rows.floor_divide(length);
        return zeros(variants, batch, ScalarType.Float64).index_add_(1, example, values.to(ScalarType.Float64), 1.0);
    }

    /// <summary>How many rows each example of the batch has (the counts beside <see cref="PerExample"/>'s sums).</summary>
    public int[] ExampleCounts()
    {
        var counts = new int[batch];
        foreach (long row in rows.data<long>()) counts[row / length]++;
        return counts;
    }

    public void Dispose()
    {
        rows.Dispose();
        targets?.Dispose();
        wrong?.Dispose();
        reference?.Dispose();
    }
}
