using CircuitDsl.Interventions.Patching;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// The path checks of one plan that share their receivers (the same receiver endpoints and positions, the same
/// freeze options): their sender sets are the variants of one stacked <see cref="PathPatcher"/> pass per batch,
/// made when the first of them asks for it; each check reads its own variants' metrics and keeps its own result.
/// </summary>
internal sealed class PathPatchGroup(PathPatchSpec receivers, SenderValues senderValues = SenderValues.Counterfactual,
    Func<BatchContext, IEnumerable<PatchEndpoint>, (CachedRun Run, bool Owned)>? senderRun = null)
{
    readonly List<IReadOnlyList<PatchEndpoint>> variants = [];
    readonly List<(string Check, int First, int Count)> members = [];
    (double[] Sums, int[] Counts)[] metrics = [];
    BatchContext? computedFor;

    public int MaxRows { get; init; } = 256;

    public bool TouchedHeadsOnly { get; init; } = true;

    public PathPatchSpec Receivers => receivers;

    /// <summary>What this group's senders take (x_new unless a sensitivity run asks otherwise).</summary>
    public SenderValues SenderValues => senderValues;

    /// <summary>Forward passes made so far for senders' mean or zero values (one per batch; none for x_new or a resampled example).</summary>
    public int SenderRuns { get; private set; }

    /// <summary>PathPatcher passes made so far (one per batch, however many checks share them).</summary>
    public int Passes { get; private set; }

    /// <summary>Adds a check's sender sets; returns the index of its first variant in the stacked pass.</summary>
    public int Join(string check, IReadOnlyList<IReadOnlyList<PatchEndpoint>> senders)
    {
        int first = variants.Count;
        variants.AddRange(senders);
        members.Add((check, first, senders.Count));
        return first;
    }

    /// <summary>The metric of every variant of the group on this batch, computed once per batch.</summary>
    public IReadOnlyList<(double[] Sums, int[] Counts)> Metrics(BatchContext batch)
    {
        if (ReferenceEquals(computedFor, batch)) return metrics;
        Validate(batch.Hooks);
        using var scope = NewDisposeScope();
        var results = new (double[], int[])[variants.Count];
        var patcher = new PathPatcher(batch.Hooks) { MaxRows = MaxRows, TouchedHeadsOnly = TouchedHeadsOnly };
        var (senders, owned) = senderRun is null ? (batch.Corrupted, false) : senderRun(batch, variants.SelectMany(v => v));
        if (owned) SenderRuns++;
        try
        {
            // Into the logits, only the rows the metric reads are computed; every variant's stream is unembedded there only.
            patcher.Run(receivers, variants, batch.Clean, senders, batch.Examples, (indices, streams) =>
            {
                var scores = batch.Reader.EvaluateEach(streams);
                for (int k = 0; k < indices.Count; k++) results[indices[k]] = scores[k];
            }, batch.Reader.Rows);
        }
        finally
        {
            if (owned) senders.Dispose();
        }
        Passes++;
        (metrics, computedFor) = (results, batch);
        return metrics;
    }

    /// <summary>Each member's sender sets checked on their own, so that an invalid one fails its own check, not the group's first.</summary>
    void Validate(ComponentHooks hooks)
    {
        foreach (var (check, first, count) in members)
        {
            try
            {
                for (int v = first; v < first + count; v++) PathPatchValidation.Check(receivers with { Senders = [.. variants[v]] }, hooks);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                throw new CheckFailedException(check, e);
            }
        }
    }

    /// <summary>Whether a check with these receivers joins this group: same endpoints in the same order, same freeze options, same sender values.</summary>
    public bool Accepts(PathPatchSpec spec, SenderValues values = SenderValues.Counterfactual) =>
        values == senderValues && spec.Receivers.SequenceEqual(receivers.Receivers) && spec.FreezeMlps == receivers.FreezeMlps && spec.FreezeLayerNorm == receivers.FreezeLayerNorm;
}
