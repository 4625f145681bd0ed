using System.Globalization;
using CircuitDsl.Runtime.Model;

namespace CircuitDsl.Runtime.Weights.HuggingFace;

/// <summary>Config keys several Hugging Face families share: activations, rotary settings, sliding-window layers.</summary>
static class HfConfigCommon
{
    // gelu_pytorch_tanh, gelu_new and gelu_fast are the tanh approximation; gelu is exact (erf); silu = swish.
    static readonly Dictionary<string, Activation> Activations = new(StringComparer.Ordinal)
    {
        ["silu"] = Activation.Silu, ["swish"] = Activation.Silu,
        ["gelu_pytorch_tanh"] = Activation.GeluNew, ["gelu_new"] = Activation.GeluNew, ["gelu_fast"] = Activation.GeluNew,
        ["gelu"] = Activation.Gelu, ["relu"] = Activation.Relu,
    };

    /// <summary>The MLP activation named by <paramref name="key"/>, else <paramref name="absent"/>; an unknown name is an error naming the key.</summary>
    public static Activation ActivationOf(ConfigFields fields, string key, string absent) =>
        fields.Choice(key, Activations) ?? Activations[absent];

    /// <summary>The rotary settings: θ, the llama3 rescaling, and the fraction of each head that rotates.</summary>
    public sealed record Rotary(double Base, RopeScaling? Scaling, double PartialFactor)
    {
        /// <summary>The rotated dimensions as Hugging Face counts them (int(d_head · factor)); null when the whole head rotates.</summary>
        public int? Dimensions(int dHead, ConfigFields fields, string key)
        {
            int r = (int)(dHead * PartialFactor);
            if (r == dHead) return null;
            if (r < 2 || r % 2 != 0)
                throw fields.Bad($"\"{key}\" {PartialFactor.ToString(CultureInfo.InvariantCulture)} rotates {r} of the {dHead} dimensions of a head; it must be an even number of at least 2");
            return r;
        }
    }

    /// <summary>
    /// Reads θ, rope_scaling and the partial-rotary fraction, from transformers v5's <c>rope_parameters</c> when present,
    /// else from <paramref name="thetaKey"/>, <c>rope_scaling</c> and <paramref name="partialKey"/>. Rope types other
    /// than default and llama3 are errors naming the key.
    /// </summary>
    public static Rotary ReadRotary(ConfigFields fields, string thetaKey = "rope_theta", string partialKey = "partial_rotary_factor", double partialDefault = 1)
    {
        double partial = fields.Number(partialKey) ?? partialDefault;
        if (fields.Object("rope_parameters") is { } parameters)
        {
            double theta = parameters.Number("rope_theta") ?? fields.Number(thetaKey) ?? 10_000;
            partial = parameters.Number("partial_rotary_factor") ?? partial;
            return new Rotary(theta, Scaling(parameters, "rope_parameters"), CheckedPartial(fields, partial, partialKey));
        }
        double baseTheta = fields.Number(thetaKey) ?? 10_000;
        var scaling = fields.Object("rope_scaling") is { } s ? Scaling(s, "rope_scaling") : null;
        return new Rotary(baseTheta, scaling, CheckedPartial(fields, partial, partialKey));
    }

    static double CheckedPartial(ConfigFields fields, double partial, string key) =>
        partial is > 0 and <= 1 ? partial : throw fields.Bad($"\"{key}\" must be a number in (0, 1]; got {partial.ToString(CultureInfo.InvariantCulture)}");

    static RopeScaling? Scaling(ConfigFields s, string key)
    {
        // transformers writes rope_type; configs from before v4.45 write type.
        string type = s.String("rope_type") ?? s.String("type") ?? "default";
        switch (type)
        {
            case "default": return null;
            case "llama3":
                double Required(string name) => s.Number(name) ?? throw s.Bad($"\"{key}\" of rope_type llama3 needs \"{name}\"");
                double original = Required("original_max_position_embeddings");
                if (original != Math.Floor(original) || original < 1 || original > ResourceLimits.MaxContext)
                    throw s.Bad($"\"{key}\".\"original_max_position_embeddings\" must be a whole number from 1 to {ResourceLimits.MaxContext}");
                return new RopeScaling(Required("factor"), Required("low_freq_factor"), Required("high_freq_factor"), (int)original);
            default:
                throw s.Bad($"\"{key}\".\"rope_type\" '{type}' is not supported (only \"default\" and \"llama3\" rotary embeddings load)");
        }
    }

    /// <summary>
    /// The sliding-window layers that newer configs list as <c>layer_types</c> ("sliding_attention" / "full_attention"),
    /// or null when the key is absent.
    /// </summary>
    public static LayerSet? LayerTypes(ConfigFields fields, int layers)
    {
        if (fields.Strings("layer_types") is not { } types) return null;
        if (types.Length != layers)
            throw fields.Bad($"\"layer_types\" lists {types.Length} layers; \"num_hidden_layers\" is {layers}");
        var sliding = new List<int>();
        for (int l = 0; l < types.Length; l++)
            switch (types[l])
            {
                case "sliding_attention": sliding.Add(l); break;
                case "full_attention": break;
                default: throw fields.Bad($"\"layer_types\"[{l}] '{types[l]}' is not supported (\"sliding_attention\" or \"full_attention\")");
            }
        return new LayerSet(sliding);
    }

    /// <summary>(window, layers) for the config, or (null, null) when no layer slides; layers null means all of them.</summary>
    public static (int? Window, LayerSet? Layers) Windows(ConfigFields fields, int layers, int? window, LayerSet? windowed)
    {
        windowed = LayerTypes(fields, layers) ?? windowed;
        if (window is null || windowed is { Layers.Count: 0 }) return (null, null);
        if (windowed is not null && windowed.Layers.Count == layers) windowed = null;
        return (window, windowed);
    }
}
