using System.Text.Json;
using System.Text.Json.Serialization;

namespace CircuitDsl.Runtime.Model;

/// <summary>
/// A set of layer indices with value equality (so two equal configs are equal records), written as a sorted JSON array.
/// </summary>
[JsonConverter(typeof(LayerSetJson))]
public sealed class LayerSet : IEquatable<LayerSet>
{
    readonly int[] layers;

    public LayerSet(IEnumerable<int> layers) => this.layers = [.. layers.Distinct().Order()];

    /// <summary>Layers 0, 2, 4, … below <paramref name="count"/> (Gemma-2's sliding-window layers).</summary>
    public static LayerSet Even(int count) => new(Enumerable.Range(0, count).Where(l => l % 2 == 0));

    /// <summary>Layers <paramref name="first"/> .. <paramref name="count"/> − 1 (Qwen2's max_window_layers).</summary>
    public static LayerSet From(int first, int count) => new(Enumerable.Range(Math.Max(0, first), Math.Max(0, count - first)));

    public IReadOnlyList<int> Layers => layers;
    public bool Contains(int layer) => Array.BinarySearch(layers, layer) >= 0;

    public bool Equals(LayerSet? other) => other is not null && layers.AsSpan().SequenceEqual(other.layers);
    public override bool Equals(object? obj) => Equals(obj as LayerSet);
    public override int GetHashCode() => layers.Aggregate(17, HashCode.Combine);
    public override string ToString() => $"[{string.Join(", ", layers)}]";

    sealed class LayerSetJson : JsonConverter<LayerSet>
    {
        public override LayerSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<int[]>(ref reader, options) ?? throw new JsonException("expected an array of layer numbers"));

        public override void Write(Utf8JsonWriter writer, LayerSet value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.layers, options);
    }
}
