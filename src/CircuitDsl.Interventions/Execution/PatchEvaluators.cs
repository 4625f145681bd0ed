using CircuitDsl.Interventions.Ablation;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Patching;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Statistics;
using CircuitDsl.Runtime.Hooks;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Execution;

/// <summary>
/// Path patching of one sender set, or of each sender alone (a sweep). The variants are this check's part of a
/// <see cref="PathPatchGroup"/>'s stacked pass, shared with every path check of the plan that has the same receivers.
/// </summary>
internal sealed class PathPatchEvaluator : CheckEvaluator
{
    readonly PathPatchSpec receivers;
    readonly IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants;
    readonly bool sweep;
    readonly PathPatchGroup group;
    readonly int first;

    public PathPatchEvaluator(Check check, ExperimentPlan plan, IReadOnlyList<IReadOnlyList<PatchEndpoint>> variants, bool sweep, PathPatchGroup group)
        : base(check, plan)
    {
        (receivers, this.variants, this.sweep, this.group) = (group.Receivers, variants, sweep, group);
        first = group.Join(check.Name, variants);
    }

    public override void Batch(BatchContext batch)
    {
        var metrics = group.Metrics(batch);
        for (int v = 0; v < variants.Count; v++) Record($"patched {v}", batch, metrics[first + v]);
        Record("clean", batch, batch.CleanMetric);
        Record("corrupted", batch, batch.CorruptedMetric);
    }

    public override IEnumerable<CheckResult> Finish()
    {
        for (int v = 0; v < variants.Count; v++)
        {
            var stats = new Dictionary<Statistic, Estimate>
            {
                [Statistic.Effect] = Combine(x => (x[0] - x[1]) / (x[1] - x[2]), $"patched {v}", "clean", "corrupted"),
                [Statistic.Metric] = Mean($"patched {v}"),
                [Statistic.Model] = Mean("clean"),
                [Statistic.Corrupted] = Mean("corrupted"),
            };
            var method = new Dictionary<string, string>
            {
                ["method"] = "path patching, Wang et al. 2022 Algorithm 1 (every non-sender head frozen by (layer, head), read from the clean cache)",
                ["senders"] = variants[v].Count == 0 ? "(none)" : string.Join(", ", variants[v]),
                ["receivers"] = string.Join(", ", receivers.Receivers),
                ["x_new"] = Plan.Counterfactual == CounterfactualSource.Paired ? "each example's counterfactual" : $"a random pool example per reference (seed {Plan.Seed})",
                ["mlps"] = receivers.FreezeMlps ? "frozen" : "recomputed",
                ["layernorm"] = receivers.FreezeLayerNorm ? "frozen" : "recomputed",
                ["effect"] = "(m_patched − m_clean) / (m_clean − m_corrupted)",
            };
            // Said only when it is not Algorithm 1's x_new, so that ordinary reports read as before.
            if (group.SenderValues != SenderValues.Counterfactual)
                method["sender values"] = $"{group.SenderValues.Describe()} (m_corrupted is still x_new's)";
            string name = sweep ? $"{Check.Name}: {string.Join(", ", variants[v])}" : Check.Name;
            yield return Result(name, sweep ? "path sweep" : "path", stats, method, $"patched {v}");
        }
    }
}

/// <summary>Activation patching in either direction.</summary>
internal sealed class ActivationPatchEvaluator(ActivationPatchCheck check, ExperimentPlan plan) : CheckEvaluator(check, plan)
{
    public override void Batch(BatchContext batch)
    {
        using var scope = NewDisposeScope();
        bool denoise = check.Direction == PatchDirection.CleanIntoCorrupted;
        var source = denoise ? batch.Clean : batch.Corrupted;
        var tokens = denoise ? batch.CorruptedTokens : TokenBatch.Of(Plan.Data, batch.References);
        var interventions = check.Components.Select(c =>
            ActivationSource.Set(batch.Hooks, c, ActivationSource.Read(batch.Hooks, source, c.Component), batch.Examples, batch.Length)).ToArray();
        Record("patched", batch, batch.Metric(FinalStream.Of(batch.Hooks.Model.Forward(tokens, new RunOptions { Interventions = interventions, StopAtLayer = batch.Hooks.Model.Config.Layers }))));
        Record("clean", batch, batch.CleanMetric);
        Record("corrupted", batch, batch.CorruptedMetric);
    }

    public override IEnumerable<CheckResult> Finish()
    {
        var stats = new Dictionary<Statistic, Estimate>
        {
            [Statistic.Metric] = Mean("patched"),
            [Statistic.Model] = Mean("clean"),
            [Statistic.Corrupted] = Mean("corrupted"),
            [Statistic.Recovers] = Combine(x => Normalised(x[0], x[2], x[1]), "patched", "clean", "corrupted"),
            [Statistic.Effect] = Combine(x => (x[0] - x[1]) / (x[1] - x[2]), "patched", "clean", "corrupted"),
        };
        var method = new Dictionary<string, string>
        {
            ["method"] = check.Direction == PatchDirection.CleanIntoCorrupted
                ? "activation patching, clean into corrupted (denoising): read 'recovers'"
                : "activation patching, corrupted into clean (noising): read 'effect'",
            ["components"] = string.Join(", ", check.Components),
            ["recovers"] = "(m_patched − m_corrupted) / (m_clean − m_corrupted)",
            ["effect"] = "(m_patched − m_clean) / (m_clean − m_corrupted)",
        };
        yield return Result(Check.Name, "activation patch", stats, method, "patched");
    }
}

/// <summary>Ablation of components (zero, mean or resample) in the clean run.</summary>
internal sealed class AblationEvaluator(AblationCheck check, ExperimentPlan plan, MeanActivations? means, int[] shuffled) : CheckEvaluator(check, plan)
{
    public override void Batch(BatchContext batch)
    {
        using var scope = NewDisposeScope();
        var m = check.Method;
        var source = m.Kind != AblationKind.Resample ? null
            : m.Pairing == ResamplePairing.Paired ? batch.Runs.Get(Plan.Data, batch.References, counterfactual: true)
            : batch.Runs.Get(Plan.Data, shuffled[batch.Start..batch.End]);
        var interventions = check.Components.Select(c =>
        {
            var value = m.Kind switch
            {
                AblationKind.Zero => zeros(1),
                AblationKind.Mean => means!.For(c.Component, batch.Examples, m.MeanPerGroup),
                _ => ActivationSource.Read(batch.Hooks, source!, c.Component),
            };
            return ActivationSource.Set(batch.Hooks, c, value, batch.Examples, batch.Length);
        }).ToArray();
        var tokens = TokenBatch.Of(Plan.Data, batch.References);
        Record("ablated", batch, batch.Metric(FinalStream.Of(batch.Hooks.Model.Forward(tokens, new RunOptions { Interventions = interventions, StopAtLayer = batch.Hooks.Model.Config.Layers }))));
        Record("model", batch, batch.CleanMetric);
    }

    public override IEnumerable<CheckResult> Finish()
    {
        var model = Mean("model");
        // F(C) / F(M) is a share of the behaviour only while the model shows it: where the model's own metric could be
        // zero or negative, the ratio flips sign or explodes, so it is not a number rather than a silently wrong one.
        bool modelShowsIt = model.Low > 0;
        var fraction = Combine(x => x[0] / x[1], "ablated", "model");
        var stats = new Dictionary<Statistic, Estimate>
        {
            [Statistic.Metric] = Mean("ablated"),
            [Statistic.Model] = model,
            [Statistic.Fraction] = modelShowsIt ? fraction : fraction with { Value = double.NaN, Low = double.NaN, High = double.NaN },
        };
        var method = new Dictionary<string, string>
        {
            ["method"] = "ablation: " + check.Method,
            ["components"] = string.Join(", ", check.Components),
        };
        if (!modelShowsIt)
            method["fraction"] = $"undefined: the model's own metric {model.Value:0.###} [{model.Low:0.###}, {model.High:0.###}] is not above 0";
        yield return Result(Check.Name, "ablation", stats, method, "ablated");
    }
}
