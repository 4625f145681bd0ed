using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tensors;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Metrics;

/// <summary>
/// The metric of one batch of references, read from runs' final residual streams: the final LayerNorm and the
/// unembedding run only at the rows the metric scores (its positions, less those without a label), and for a logit
/// difference only on the two answer columns; loss, KL and accuracy need the whole row there. A row whose stream (and
/// frozen scale) is bit-identical to the clean run's takes the clean run's value, so unchanged runs score exactly as
/// the model does. Same numbers as <see cref="MetricEvaluator"/> on full logits, up to float32 rounding.
/// </summary>
public sealed class MetricReader : IDisposable
{
    readonly MetricSpec metric;
    readonly HookedTransformer model;
    readonly int examples;
    readonly int[] exampleOfRow;
    readonly Tensor? columns, labels, cleanLogProbs, cleanScale;
    readonly Tensor cleanRows, cleanValues;
    readonly List<Tensor> owned = [];

    /// <param name="cleanFinal">The clean run's final residual stream [b, p, d_model].</param>
    /// <param name="cleanFinalScale">The clean run's final LayerNorm scale [b, p, 1] (null without LayerNorm).</param>
    public MetricReader(MetricSpec metric, HookedTransformer model, IReadOnlyList<Example> references, Tensor cleanFinal, Tensor? cleanFinalScale)
    {
        this.metric = metric;
        this.model = model;
        examples = references.Count;
        int length = (int)cleanFinal.shape[1];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mask = Execution.ComponentHooks.PositionMask(metric.Positions, references, length);
        Tensor? perPosition = null;
        switch (metric.Kind)
        {
            case MetricKind.Loss:
                perPosition = MetricEvaluator.NextTokens(references, length); // position p predicts token p + 1
                mask = mask & (perPosition >= 0);
                break;
            case MetricKind.Accuracy:
                perPosition = MetricEvaluator.Targets(references, length);
                mask = mask & (perPosition >= 0);
                break;
        }
        Rows = Own(mask.flatten().nonzero().squeeze(-1));
        var rows = Rows.data<long>().ToArray();
        exampleOfRow = rows.Select(r => (int)(r / length)).ToArray();
        Counts = new int[examples];
        foreach (int e in exampleOfRow) Counts[e]++;
        if (perPosition is not null) labels = Own(perPosition.flatten().index_select(0, Rows));
        if (metric.Kind == MetricKind.LogitDiff)
        {
            var (answer, wrong) = MetricEvaluator.Answers(references, needWrong: true);
            var example = tensor(exampleOfRow.Select(e => (long)e).ToArray());
            columns = Own(stack([answer.index_select(0, example), wrong!.index_select(0, example)], 1));
        }
        cleanRows = Own(Select(cleanFinal.unsqueeze(0), atRows: false).squeeze(0));
        if (cleanFinalScale is not null) cleanScale = Own(Select(cleanFinalScale.unsqueeze(0), atRows: false).squeeze(0));
        if (metric.Kind == MetricKind.KL) cleanLogProbs = Own(model.UnembedRows(cleanRows).log_softmax(-1));
        cleanValues = Own(Values(cleanRows, null, arange(rows.Length, dtype: ScalarType.Int64)).to(ScalarType.Float64));
        Clean = Sums(cleanValues.ToHostArray<double>(), 0);
    }

    /// <summary>The scored rows: indices into the batch's b·p positions, example by example, positions ascending.</summary>
    public Tensor Rows { get; }

    /// <summary>Scored positions per example (the same for every run).</summary>
    public int[] Counts { get; }

    /// <summary>The clean run's metric.</summary>
    public (double[] Sums, int[] Counts) Clean { get; }

    /// <summary>The metric of one run (a stream of k = 1 runs).</summary>
    public (double[] Sums, int[] Counts) Evaluate(FinalStream run) =>
        run.Runs == 1 ? EvaluateEach(run)[0] : throw new ArgumentException($"one run expected, got {run.Runs}");

    /// <summary>The metric of another cached run's final stream (no frozen scale), computed once per run.</summary>
    public (double[] Sums, int[] Counts) OfRun(Tensor final)
    {
        if (!ofRuns.TryGetValue(final, out var metric)) ofRuns[final] = metric = Evaluate(FinalStream.Of(final));
        return metric;
    }

    readonly Dictionary<Tensor, (double[] Sums, int[] Counts)> ofRuns = new(ReferenceEqualityComparer.Instance);

    /// <summary>The metric of each of the k runs in <paramref name="runs"/>, unembedded together.</summary>
    public (double[] Sums, int[] Counts)[] EvaluateEach(FinalStream runs)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long k = runs.Runs, n = Rows.shape[0];
        var x = Select(runs.Residual, runs.AtMetricRows);
        var scale = runs.FrozenScale is null ? null : Select(runs.FrozenScale, runs.AtMetricRows);
        var changed = runs.MayDiffer ?? Execution.Unchanged.DiffersAlongLast(x, cleanRows);
        if (runs.MayDiffer is null && scale is not null && cleanScale is not null) changed = changed | Execution.Unchanged.DiffersAlongLast(scale, cleanScale);
        var which = changed.flatten().nonzero().squeeze(-1);
        long m = which.shape[0];
        Tensor values;
        if (m == k * n) // every row changed (a path into the logits, as a rule): no rows to pick or to put back
            values = Values(x.reshape(k * n, x.shape[2]), scale?.reshape(k * n, 1), which.remainder(n)).to(ScalarType.Float64);
        else
        {
            values = cleanValues.unsqueeze(0).repeat(k, 1).view(k * n); // the chunk's own copy: changed rows are written into it
            if (m > 0)
            {
                var xs = x.reshape(k * n, x.shape[2]).index_select(0, which);
                var ss = scale?.reshape(k * n, 1).index_select(0, which);
                values.index_copy_(0, which, Values(xs, ss, which.remainder(n)).to(ScalarType.Float64));
            }
        }
        var host = values.ToHostArray<double>();
        return Enumerable.Range(0, (int)k).Select(r => Sums(host, r * (int)n)).ToArray();
    }

    (double[] Sums, int[] Counts) Sums(double[] values, int offset)
    {
        var sums = new double[examples];
        for (int i = 0; i < exampleOfRow.Length; i++) sums[exampleOfRow[i]] += values[offset + i];
        return (sums, Counts);
    }

    /// <summary>[k, n, last] at the scored rows, from [k, b, p, last] or from rows already selected.</summary>
    Tensor Select(Tensor t, bool atRows) =>
        atRows ? t : t.reshape(t.shape[0], t.shape[1] * t.shape[2], t.shape[3]).index_select(1, Rows);

    /// <summary>The metric at final streams <paramref name="x"/> [m, d] of scored rows <paramref name="row"/> [m].</summary>
    Tensor Values(Tensor x, Tensor? frozenScale, Tensor row)
    {
        var options = frozenScale is null ? null : new RunOptions { Interventions = [Intervention.Replace(HookNames.FinalScale, frozenScale)] };
        switch (metric.Kind)
        {
            case MetricKind.LogitDiff:
            {
                var logits = model.UnembedColumns(x, columns!.index_select(0, row), options);
                return logits.select(1, 0) - logits.select(1, 1);
            }
            case MetricKind.Loss:
                return -model.UnembedRows(x, options).log_softmax(-1).gather(-1, labels!.index_select(0, row).unsqueeze(-1)).squeeze(-1);
            case MetricKind.KL:
            {
                var p = cleanLogProbs!.index_select(0, row);
                var q = model.UnembedRows(x, options).log_softmax(-1);
                return (p.exp() * (p - q)).sum(-1);
            }
            case MetricKind.Accuracy:
                return (model.UnembedRows(x, options).argmax(-1) == labels!.index_select(0, row)).to(ScalarType.Float32);
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric.Kind, "unknown metric");
        }
    }

    Tensor Own(Tensor t)
    {
        owned.Add(t.DetachFromDisposeScope());
        return t;
    }

    public void Dispose()
    {
        foreach (var t in owned) t.Dispose();
        owned.Clear();
    }
}
