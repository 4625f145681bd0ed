using CircuitDsl.Discovery.Methods;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Metrics;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Interventions.Tests.Support;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Discovery.Tests.Support;

/// <summary>
/// The random Llama-, NeoX- and Gemma-2-like models (grouped-query attention; parallel blocks; sandwich norms and
/// grouped-query attention) with every bias and norm weight drawn too (fresh weights have them 0 and 1, which would
/// hide a bias or a norm weight handled wrongly), and discovery settings on paired random data.
/// </summary>
internal static class FamilyModels
{
    public static readonly ModelConfig[] All = RandomModels.Modern;

    public static HookedTransformer Create(ModelConfig config)
    {
        var model = RandomModels.Create(config, seed: 3);
        using var _ = no_grad();
        var generator = new Generator(17);
        foreach (var (name, p) in model.named_parameters())
        {
            string leaf = name[(name.LastIndexOf('.') + 1)..];
            if (leaf.StartsWith('W')) continue;
            if (name.Contains("ln") && leaf == "w") p.copy_(1 + (0.3 * randn(p.shape, generator: generator)));
            else p.copy_(0.1 * randn(p.shape, generator: generator));
        }
        return model;
    }

    public static Dataset Data(ModelConfig config, int count = 12) => RandomModels.Data(config, count, seed: 5);

    public static DiscoverySettings Settings(Dataset data) =>
        new(data, MetricSpec.LogitDiff(PositionSet.Named("END"))) { Counterfactual = CounterfactualSource.Paired, BatchSize = data.Count, Seed = 2 };
}
