using System.Globalization;

namespace CircuitDsl.Runtime.Model;

/// <summary>
/// The range one size of a model may take: at least <paramref name="Min"/>, at most <paramref name="Max"/>, a bound of
/// <see cref="ResourceLimits"/> named <paramref name="Limit"/>.
/// </summary>
public sealed record SizeRange(int Min, int Max, string Limit)
{
    /// <summary>
    /// Why <paramref name="value"/> (written in the file as <paramref name="written"/>) does not fit, naming
    /// <paramref name="field"/> and the limit; null when it fits.
    /// </summary>
    public string? Problem(string field, double value, string written) =>
        value < Min ? $"\"{field}\" must be at least {Min}; got {written}"
        : value > Max ? $"\"{field}\" is {written}, above the limit of {Max.ToString(CultureInfo.InvariantCulture)} (ResourceLimits.{Limit})"
        : null;

    /// <summary>The range as a reader is told it: "a whole number from 1 to 1024 (ResourceLimits.MaxHeads)".</summary>
    public string Describe() => $"a whole number from {Min} to {Max.ToString(CultureInfo.InvariantCulture)} (ResourceLimits.{Limit})";
}

/// <summary>
/// The ranges of a model's sizes, shared by both config formats and by configs built in code, so that no size
/// reaches libtorch's allocator unchecked.
/// </summary>
public static class ModelSizes
{
    public static SizeRange Layers { get; } = new(1, ResourceLimits.MaxLayers, nameof(ResourceLimits.MaxLayers));
    /// <summary>A layer's index (0-based), e.g. in a list of sliding-window layers.</summary>
    public static SizeRange LayerIndex { get; } = new(0, ResourceLimits.MaxLayers - 1, nameof(ResourceLimits.MaxLayers));
    public static SizeRange Heads { get; } = new(1, ResourceLimits.MaxHeads, nameof(ResourceLimits.MaxHeads));
    public static SizeRange ModelWidth { get; } = new(1, ResourceLimits.MaxModelWidth, nameof(ResourceLimits.MaxModelWidth));
    /// <summary>One head's width; heads × d_head is bounded by the model width as well.</summary>
    public static SizeRange HeadWidth { get; } = new(1, ResourceLimits.MaxModelWidth, nameof(ResourceLimits.MaxModelWidth));
    /// <summary>0 means attention-only.</summary>
    public static SizeRange MlpWidth { get; } = new(0, ResourceLimits.MaxMlpWidth, nameof(ResourceLimits.MaxMlpWidth));
    public static SizeRange Vocabulary { get; } = new(1, ResourceLimits.MaxVocabulary, nameof(ResourceLimits.MaxVocabulary));
    public static SizeRange Context { get; } = new(1, ResourceLimits.MaxContext, nameof(ResourceLimits.MaxContext));
}
