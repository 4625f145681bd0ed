using CircuitDsl.Interventions.Ablation;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Runtime.Hooks;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// The run path patching reads its senders' values from (<see cref="PathPatcher"/> reads only the senders' outputs of
/// the run it is given as x_new): the counterfactual run itself, a resampled pool example's run, or, for the mean and
/// zero, a run of the clean input whose senders' output hooks are set to those values and recorded. Nothing else of
/// that run is read, so what the set senders change downstream in it does not matter.
/// </summary>
internal static class SenderRuns
{
    /// <summary>The run to read sender values from, and whether the caller owns it (disposes it after the pass).</summary>
    public static (CachedRun Run, bool Owned) For(SenderValues source, BatchContext batch, IEnumerable<PatchEndpoint> senders, MeanActivations? means, int[] shuffled)
    {
        switch (source)
        {
            case SenderValues.Counterfactual: return (batch.Corrupted, false);
            case SenderValues.Resample: return (batch.Runs.Get(batch.Plan.Data, shuffled[batch.Start..batch.End]), false);
        }
        var hooks = batch.Hooks;
        var components = senders.Select(s => s.Component).Distinct().ToArray();
        using var scope = NewDisposeScope();
        var interventions = components.Select(c => ActivationSource.Set(hooks, PatchEndpoint.At(c),
            source == SenderValues.Zero ? zeros(1) : means!.For(c, batch.Examples, perGroup: false), batch.Examples, batch.Length)).ToArray();
        var recorded = components.Select(hooks.OutputHook).ToHashSet(StringComparer.Ordinal);
        var cache = new ActivationCache();
        var model = hooks.Model;
        var final = model.Forward(TokenBatch.Of(batch.Plan.Data, batch.References), new RunOptions
        {
            Interventions = interventions, Cache = cache, CacheFilter = recorded.Contains, StopAtLayer = model.Config.Layers,
        });
        return (new CachedRun(model, final.DetachFromDisposeScope(), cache), true);
    }
}
