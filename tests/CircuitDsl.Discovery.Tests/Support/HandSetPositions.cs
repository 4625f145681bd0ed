using CircuitDsl.Discovery.Graph;
using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Discovery.Tests.Support;

/// <summary>
/// The hand-set circuit's data with one more named position, <c>bos</c> (position 0), and what per-position discovery
/// must find on it, by construction. Every example starts with the same BOS token, so nothing at position 0 differs
/// between x and x_new: every edge at <c>bos</c> changes nothing. The loss is scored at <c>repeated</c> only, and the
/// layer-1 head is the last thing before the logits, so its query and its write into the logits matter only there. Its
/// key and value (and the previous-token head's value, which makes that key) are read at every earlier position the
/// soft attention sees: at <c>repeated</c> positions and at the first occurrences (other positions) alike.
/// </summary>
internal static class HandSetPositions
{
    public static Dataset Data(int count, ulong seed)
    {
        var data = HandSetCircuit.Data(count, seed);
        return new Dataset([.. data.Examples.Select(e => new Example(e.Tokens,
            positions: new Dictionary<string, int[]> { ["repeated"] = e.NamedPositions("repeated"), ["bos"] = [0] }, source: e.Source))], name: data.Name);
    }

    public static EdgePositions Positions => EdgePositions.Of(["repeated", "bos"]);

    /// <summary>The per-position edges that carry the behaviour.</summary>
    public static readonly Edge[] Circuit =
    [
        new(Component.Embed, Component.Head(0, 0, Channel.Value), "repeated"),
        new(Component.Embed, Component.Head(0, 0, Channel.Value), EdgePositions.Other),
        new(Component.Embed, Component.Head(1, 0, Channel.Query), "repeated"),
        new(Component.Head(0, 0), Component.Head(1, 0, Channel.Key), "repeated"),
        new(Component.Head(0, 0), Component.Head(1, 0, Channel.Key), EdgePositions.Other),
        new(Component.Embed, Component.Head(1, 0, Channel.Value), "repeated"),
        new(Component.Embed, Component.Head(1, 0, Channel.Value), EdgePositions.Other),
        new(Component.Head(1, 0), Component.Logits, "repeated"),
    ];
}
