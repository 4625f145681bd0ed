using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The repeated_tokens task as engine examples, with the named positions hypotheses use: <c>repeated</c> (the next
/// token recurs one period back) and <c>first</c> (the next token is a fresh draw).
/// </summary>
public static class RepeatedTokensData
{
    /// <summary>The positions whose next token recurs one period back.</summary>
    public const string Repeated = "repeated";

    /// <summary>The positions whose next token is a fresh draw.</summary>
    public const string First = "first";

    public static Dataset Create(RepeatedTokensTask task, int count, ulong seed)
    {
        var examples = task.Generate(count, seed).Select((e, i) => new Example(
            e.Tokens,
            positions: new Dictionary<string, int[]>
            {
                [Repeated] = e.RepeatedPositions.ToArray(),
                [First] = e.FirstOccurrencePositions.ToArray(),
            },
            source: $"{RepeatedTokensTask.Name} #{i}")).ToArray();
        return new Dataset(examples, name: $"{RepeatedTokensTask.Name}(count: {count}, seed: {seed})");
    }
}
