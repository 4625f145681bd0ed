using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;

namespace CircuitDsl.Interventions.Tests.Support;

/// <summary>
/// The adapter from the zoo's repeated_tokens task to engine examples (it lives here so that the engine never
/// references the zoo): named positions <c>repeated</c> (the next token recurs one period back) and <c>first</c>.
/// </summary>
internal static class ZooData
{
    static readonly Lazy<LoadedModel> Shipped = new(() => ZooCatalog.Load("zoo:attn-only-2l"));

    public static LoadedModel AttnOnly2L => Shipped.Value;

    public static Dataset RepeatedTokens(int count, ulong seed)
    {
        var examples = new RepeatedTokensTask().Generate(count, seed).Select((e, i) => new Example(
            e.Tokens,
            positions: new Dictionary<string, int[]>
            {
                ["repeated"] = e.RepeatedPositions.ToArray(),
                ["first"] = e.FirstOccurrencePositions.ToArray(),
            },
            source: $"repeated_tokens #{i}")).ToArray();
        return new Dataset(examples, name: $"repeated_tokens(count: {count}, seed: {seed})");
    }
}
