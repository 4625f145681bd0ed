using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Scrubbing;

/// <summary>
/// IIA agreement of one batch read from final residual streams: per scored row (a metric position with a target),
/// whether the run's top prediction (argmax over the whole vocabulary) is the target. Only the scored rows are
/// unembedded, and a row whose stream is bit-identical to the clean run's takes the clean run's top prediction, so an
/// unchanged run agrees exactly where the model does (and everywhere when the target is the model's own prediction).
/// </summary>
internal sealed class TopPredictionAgreement : IDisposable
{
    readonly HookedTransformer model;
    readonly int examples;
    readonly Tensor rows, cleanRows, cleanTop, targets;
    readonly int[] exampleOfRow, counts;

    /// <param name="cleanFinal">The clean run's final residual stream [b, p, d_model].</param>
    /// <param name="mask">The metric's positions [b, p].</param>
    /// <param name="target">Token ids [b, p] (−1: none, not scored), or null for the clean run's own top prediction.</param>
    public TopPredictionAgreement(HookedTransformer model, Tensor cleanFinal, Tensor mask, Tensor? target)
    {
        this.model = model;
        examples = (int)cleanFinal.shape[0];
        int length = (int)cleanFinal.shape[1];
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (target is not null) mask = mask & (target >= 0);
        rows = mask.flatten().nonzero().squeeze(-1).DetachFromDisposeScope();
        exampleOfRow = rows.data<long>().Select(r => (int)(r / length)).ToArray();
        counts = new int[examples];
        foreach (int e in exampleOfRow) counts[e]++;
        cleanRows = AtRows(cleanFinal).DetachFromDisposeScope();
        cleanTop = model.UnembedRows(cleanRows).argmax(-1).DetachFromDisposeScope();
        targets = (target is null ? cleanTop.clone() : target.flatten().index_select(0, rows)).DetachFromDisposeScope();
    }

    /// <summary>Per example, (agreeing rows, scored rows) of a run's final stream [b, p, d_model].</summary>
    public (double[] Sums, int[] Counts) Evaluate(Tensor final)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = AtRows(final);
        var top = cleanTop.clone();
        var changed = (x != cleanRows).to(ScalarType.Byte).any(-1).nonzero().squeeze(-1);
        if (changed.shape[0] > 0) top.index_copy_(0, changed, model.UnembedRows(x.index_select(0, changed)).argmax(-1));
        var agree = (top == targets).data<bool>().ToArray();
        var sums = new double[examples];
        for (int i = 0; i < agree.Length; i++) if (agree[i]) sums[exampleOfRow[i]]++;
        return (sums, counts);
    }

    Tensor AtRows(Tensor final) => final.reshape(final.shape[0] * final.shape[1], final.shape[2]).index_select(0, rows);

    public void Dispose()
    {
        rows.Dispose();
        cleanRows.Dispose();
        cleanTop.Dispose();
        targets.Dispose();
    }
}
