using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Interventions.Tests.Support;

/// <summary>The shipped model and its task's data, for the engine's tests (the engine itself never references the zoo).</summary>
internal static class ZooData
{
    static readonly Lazy<LoadedModel> Shipped = new(() => ZooCatalog.Load("zoo:attn-only-2l"));

    public static LoadedModel AttnOnly2L => Shipped.Value;

    public static Dataset RepeatedTokens(int count, ulong seed) => RepeatedTokensData.Create(new RepeatedTokensTask(), count, seed);
}
