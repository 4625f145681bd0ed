using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Interventions.Tests.Metrics;

/// <summary>
/// The cases on which the engine's sparse reading is compared with dense full-logits scoring: seven architectures
/// (GPT-2-like with and without MLPs and LayerNorm; Llama-like, GPT-NeoX-like and Gemma-2-like) by five metrics (each
/// kind, at named, fixed and all positions).
/// </summary>
internal static class DenseReferenceCases
{
    static readonly ModelConfig[] Architectures =
    [
        RandomModels.Gpt2Like,
        RandomModels.AttentionOnly,
        RandomModels.Gpt2Like with { Name = "mlp-no-ln-test", Normalization = Normalization.None },
        RandomModels.AttentionOnly with { Name = "attn-only-ln-test", Normalization = Normalization.LayerNorm },
        .. RandomModels.Modern,
    ];

    static readonly MetricSpec[] Metrics =
    [
        MetricSpec.LogitDiff(PositionSet.Named("END")),
        MetricSpec.LogitDiff(PositionSet.All),
        MetricSpec.Loss(),
        MetricSpec.KL(PositionSet.At(2, 5, 7)),
        MetricSpec.Accuracy(PositionSet.Named("MID")),
    ];

    public static IEnumerable<TestCaseData> Cases() =>
        from config in Architectures from metric in Metrics
        select new TestCaseData(config, metric).SetArgDisplayNames(config.Name, metric.ToString());
}
