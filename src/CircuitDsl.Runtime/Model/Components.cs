using CircuitDsl.Runtime.Hooks;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace CircuitDsl.Runtime.Model;

// The model's parameters live in small modules whose state-dict names are TransformerLens's
// (embed.W_E, blocks.0.attn.W_Q, ln_final.w, ...), so weights files and hook names speak one language.

/// <summary>LayerNorm with its scale and normalised output exposed as hook points.</summary>
public sealed class LayerNormWeights : nn.Module
{
    public Parameter w { get; }
    public Parameter b { get; }
    readonly double epsilon;

    public LayerNormWeights(int dModel, double epsilon) : base("ln")
    {
        this.epsilon = epsilon;
        w = new Parameter(ones(dModel));
        b = new Parameter(zeros(dModel));
        register_parameter("w", w);
        register_parameter("b", b);
    }

    internal Tensor Apply(Tensor x, string scaleHook, string normalizedHook, HookRun run)
    {
        var centered = x - x.mean([-1], keepdim: true);
        var scale = run.Fire(scaleHook, (centered.pow(2).mean([-1], keepdim: true) + epsilon).sqrt());
        var normalized = run.Fire(normalizedHook, centered / scale);
        return normalized * w + b;
    }
}

/// <summary>Multi-head causal self-attention with per-head weights [head, d_model, d_head].</summary>
public sealed class AttentionWeights : nn.Module
{
    public Parameter W_Q { get; }
    public Parameter W_K { get; }
    public Parameter W_V { get; }
    public Parameter W_O { get; }
    public Parameter b_Q { get; }
    public Parameter b_K { get; }
    public Parameter b_V { get; }
    public Parameter b_O { get; }

    public AttentionWeights(ModelConfig c) : this(c, ScalarType.Float32) { }

    /// <summary>Weight matrices in <paramref name="weightDtype"/>; biases stay float32.</summary>
    public AttentionWeights(ModelConfig c, ScalarType weightDtype) : base("attn")
    {
        W_Q = Register("W_Q", weightDtype, c.Heads, c.DModel, c.DHead);
        W_K = Register("W_K", weightDtype, c.Heads, c.DModel, c.DHead);
        W_V = Register("W_V", weightDtype, c.Heads, c.DModel, c.DHead);
        W_O = Register("W_O", weightDtype, c.Heads, c.DHead, c.DModel);
        b_Q = Register("b_Q", ScalarType.Float32, c.Heads, c.DHead);
        b_K = Register("b_K", ScalarType.Float32, c.Heads, c.DHead);
        b_V = Register("b_V", ScalarType.Float32, c.Heads, c.DHead);
        b_O = Register("b_O", ScalarType.Float32, c.DModel);
    }

    Parameter Register(string name, ScalarType dtype, params long[] shape)
    {
        var p = new Parameter(zeros(shape, dtype));
        register_parameter(name, p);
        return p;
    }
}

/// <summary>The MLP of a block: d_model → d_mlp → d_model.</summary>
public sealed class MlpWeights : nn.Module
{
    public Parameter W_in { get; }
    public Parameter b_in { get; }
    public Parameter W_out { get; }
    public Parameter b_out { get; }

    public MlpWeights(ModelConfig c) : this(c, ScalarType.Float32) { }

    /// <summary>W_in and W_out in <paramref name="weightDtype"/>; biases stay float32.</summary>
    public MlpWeights(ModelConfig c, ScalarType weightDtype) : base("mlp")
    {
        W_in = new Parameter(zeros([c.DModel, c.DMlp], weightDtype));
        b_in = new Parameter(zeros(c.DMlp));
        W_out = new Parameter(zeros([c.DMlp, c.DModel], weightDtype));
        b_out = new Parameter(zeros(c.DModel));
        register_parameter("W_in", W_in);
        register_parameter("b_in", b_in);
        register_parameter("W_out", W_out);
        register_parameter("b_out", b_out);
    }
}

/// <summary>A single learned matrix or vector under TransformerLens's module name (embed, pos_embed, unembed).</summary>
public sealed class WeightModule : nn.Module
{
    // Kept here because get_parameter hands out a new native handle on every call.
    readonly Dictionary<string, Parameter> byName = new(StringComparer.Ordinal);

    public WeightModule(string moduleName, params (string Name, long[] Shape)[] shapes) : this(moduleName, ScalarType.Float32, shapes) { }

    /// <summary>Matrices (names starting with W) in <paramref name="weightDtype"/>; vectors (b_U) stay float32.</summary>
    public WeightModule(string moduleName, ScalarType weightDtype, params (string Name, long[] Shape)[] shapes) : base(moduleName)
    {
        foreach (var (name, shape) in shapes)
        {
            var p = byName[name] = new Parameter(zeros(shape, name.StartsWith('W') ? weightDtype : ScalarType.Float32));
            register_parameter(name, p);
        }
    }

    public Parameter this[string name] => byName[name];
}

/// <summary>One transformer block's weights.</summary>
public sealed class BlockWeights : nn.Module
{
    public LayerNormWeights? ln1 { get; }
    public AttentionWeights attn { get; }
    public LayerNormWeights? ln2 { get; }
    public MlpWeights? mlp { get; }

    public BlockWeights(ModelConfig c) : this(c, ScalarType.Float32) { }

    public BlockWeights(ModelConfig c, ScalarType weightDtype) : base("block")
    {
        attn = new AttentionWeights(c, weightDtype);
        if (c.HasLayerNorm) register_module("ln1", ln1 = new LayerNormWeights(c.DModel, c.LayerNormEpsilon));
        register_module("attn", attn);
        if (c.HasMlp)
        {
            if (c.HasLayerNorm) register_module("ln2", ln2 = new LayerNormWeights(c.DModel, c.LayerNormEpsilon));
            register_module("mlp", mlp = new MlpWeights(c, weightDtype));
        }
    }
}
