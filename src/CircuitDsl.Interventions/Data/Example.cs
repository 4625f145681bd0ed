using System.Collections.Immutable;

namespace CircuitDsl.Interventions.Data;

/// <summary>
/// One prompt and what a hypothesis may say about it: its tokens, an optional paired counterfactual (same length),
/// the answer and wrong-answer tokens (for logit differences and accuracy), named positions (each a set, so a
/// task can name many positions, e.g. every repeated position), and an optional group such as a template.
/// </summary>
public sealed class Example
{
    readonly ImmutableDictionary<string, int[]> positions;

    public Example(
        int[] tokens,
        int[]? counterfactual = null,
        int? answer = null,
        int? wrongAnswer = null,
        IReadOnlyDictionary<string, int[]>? positions = null,
        string? group = null,
        string? source = null)
    {
        if (tokens.Length == 0) throw new ArgumentException("an example needs at least one token", nameof(tokens));
        if (counterfactual is not null && counterfactual.Length != tokens.Length)
            throw new ArgumentException($"the counterfactual has {counterfactual.Length} tokens, the prompt {tokens.Length}", nameof(counterfactual));
        Tokens = tokens;
        Counterfactual = counterfactual;
        Answer = answer;
        WrongAnswer = wrongAnswer;
        Group = group;
        Source = source;
        this.positions = (positions ?? ImmutableDictionary<string, int[]>.Empty).ToImmutableDictionary(StringComparer.Ordinal);
    }

    public int[] Tokens { get; }
    public int Length => Tokens.Length;
    public int[]? Counterfactual { get; }
    public int? Answer { get; }
    public int? WrongAnswer { get; }
    public string? Group { get; }
    /// <summary>Where the example came from, for messages ("line 7", "repeated_tokens #12").</summary>
    public string? Source { get; }
    public IEnumerable<string> PositionNames => positions.Keys;

    /// <summary>The positions named <paramref name="name"/>; an unknown name lists the known ones.</summary>
    public int[] NamedPositions(string name) =>
        positions.TryGetValue(name, out var p)
            ? p
            : throw new KeyNotFoundException($"the example{(Source is null ? "" : $" ({Source})")} names no position '{name}'; it names: {string.Join(", ", positions.Keys.Order(StringComparer.Ordinal))}");
}
