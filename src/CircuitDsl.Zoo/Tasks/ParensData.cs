using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The parens task as engine examples. Answers: <c>correct</c> is the true label's token and <c>wrong</c> the other
/// label's, so logit_diff and accuracy read "classified right". Chan et al.'s features reach causal variables
/// through named positions, which the engine's ExampleView already exposes:
/// <list type="bullet">
/// <item><c>END</c>: the classifier position (the last token).</item>
/// <item><c>open</c>, <c>close</c>: the positions of <c>(</c> and <c>)</c>.</item>
/// <item><c>negative</c>: the per-position horizon feature, the parentheses where the nesting has gone below zero.</item>
/// <item><c>equal_count</c>, <c>starts_open</c>, <c>never_negative</c>: whole-example flags, each marking END when
/// the feature holds and nothing when it does not, so that <c>x.IsAt("equal_count")</c> at END is the feature.</item>
/// </list>
/// </summary>
public static class ParensData
{
    public static readonly IReadOnlyList<string> PositionNames = ["END", "open", "close", "negative", "equal_count", "starts_open", "never_negative"];

    public static Dataset Create(ParensTask task, int count, ulong seed)
    {
        var examples = task.Generate(count, seed).Select((e, i) => new Example(
            e.Tokens,
            answer: e.Label,
            wrongAnswer: e.WrongLabel,
            positions: Positions(e),
            source: $"{ParensTask.Name} #{i} ({e})")).ToArray();
        return new Dataset(examples, name: $"{ParensTask.Name}(count: {count}, seed: {seed}, length: {task.Length})");
    }

    static Dictionary<string, int[]> Positions(ParensExample e)
    {
        int[] end = [e.EndPosition];
        return new Dictionary<string, int[]>
        {
            ["END"] = end,
            ["open"] = e.OpenPositions.ToArray(),
            ["close"] = e.ClosePositions.ToArray(),
            ["negative"] = e.NegativePositions.ToArray(),
            ["equal_count"] = e.EqualCount ? end : [],
            ["starts_open"] = e.StartsOpen ? end : [],
            ["never_negative"] = e.NeverNegative ? end : [],
        };
    }
}
