using CircuitDsl.Runtime.Hooks;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace CircuitDsl.Runtime.Model;

// The model's parameters live in small modules whose state-dict names are TransformerLens's
// (embed.W_E, blocks.0.attn.W_Q, ln_final.w, ...), so weights files and hook names speak one language.

/// <summary>
/// LayerNorm or RMSNorm with its scale and normalised output exposed as hook points (TransformerLens's names for
/// both): LayerNorm centres and adds a bias; RMSNorm does neither (<see cref="b"/> is null).
/// </summary>
public sealed class LayerNormWeights : nn.Module
{
    public Parameter w { get; }
    public Parameter? b { get; }
    readonly double epsilon;

    public LayerNormWeights(int dModel, double epsilon) : this(dModel, epsilon, Normalization.LayerNorm) { }

    public LayerNormWeights(int dModel, double epsilon, Normalization kind) : base("ln")
    {
        if (kind == Normalization.None) throw new ArgumentOutOfRangeException(nameof(kind), kind, "a norm module is LayerNorm or RMSNorm");
        this.epsilon = epsilon;
        w = new Parameter(ones(dModel));
        register_parameter("w", w);
        if (kind == Normalization.LayerNorm) register_parameter("b", b = new Parameter(zeros(dModel)));
    }

    internal Tensor Apply(Tensor x, string scaleHook, string normalizedHook, HookRun run)
    {
        var centered = b is null ? x : x - x.mean([-1], keepdim: true);
        var scale = run.Fire(scaleHook, (centered.pow(2).mean([-1], keepdim: true) + epsilon).sqrt());
        var normalized = run.Fire(normalizedHook, centered / scale);
        return b is null ? normalized * w : normalized * w + b;
    }

    /// <summary>
    /// J·v for J = ∂x̂/∂x at <paramref name="x"/> [..., d], the normalized input's Jacobian (the weight and bias left out),
    /// and <paramref name="v"/> [k, ..., d] for k copies of each x (broadcast along a first axis). With x̂ the normalized
    /// input and s its scale, J = (C − x̂x̂ᵀ/d) / s for LayerNorm, C = I − 11ᵀ/d the centring (C x̂ = x̂), and
    /// (I − x̂x̂ᵀ/d) / s for RMSNorm: so J·v = (v − mean(v) − x̂ · mean(v · x̂)) / s (RMSNorm: without mean(v)). J is
    /// symmetric, so the same product is a gradient at x given one at x̂, and the first-order change of x̂ when x changes by v.
    /// </summary>
    internal Tensor Linearized(Tensor x, Tensor v)
    {
        using var scope = NewDisposeScope();
        long d = x.shape[^1];
        var centered = b is null ? x : x - x.mean([-1], keepdim: true);
        var scale = (centered.pow(2).mean([-1], keepdim: true) + epsilon).sqrt(); // s [..., 1]
        var normalized = centered / scale;                                        // x̂ [..., d]
        // The means over d as products with a vector of 1/d: a reduction along a short last axis is many times slower.
        var mean = full(d, 1.0 / d, dtype: v.dtype, device: v.device);
        var alongNormalized = (v * normalized).matmul(mean).unsqueeze(-1);        // mean(v · x̂) per copy
        var product = b is null ? v.clone() : v - v.matmul(mean).unsqueeze(-1);    // − mean(v)
        product.addcmul_(normalized, alongNormalized, value: -1);                // − x̂ · mean(v · x̂), no temporary
        return product.div_(scale).MoveToOuterDisposeScope();
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
        // Under grouped-query attention keys and values have one matrix per key/value head ([kv_head, d_model, d_head]).
        W_Q = Register("W_Q", weightDtype, c.Heads, c.DModel, c.DHead);
        W_K = Register("W_K", weightDtype, c.KvHeads, c.DModel, c.DHead);
        W_V = Register("W_V", weightDtype, c.KvHeads, c.DModel, c.DHead);
        W_O = Register("W_O", weightDtype, c.Heads, c.DHead, c.DModel);
        b_Q = Register("b_Q", ScalarType.Float32, c.Heads, c.DHead);
        b_K = Register("b_K", ScalarType.Float32, c.KvHeads, c.DHead);
        b_V = Register("b_V", ScalarType.Float32, c.KvHeads, c.DHead);
        b_O = Register("b_O", ScalarType.Float32, c.DModel);
    }

    Parameter Register(string name, ScalarType dtype, params long[] shape)
    {
        var p = new Parameter(zeros(shape, dtype));
        register_parameter(name, p);
        return p;
    }
}

/// <summary>The MLP of a block: d_model → d_mlp → d_model; gated models add W_gate (TransformerLens's names: W_in is the up projection).</summary>
public sealed class MlpWeights : nn.Module
{
    public Parameter? W_gate { get; }
    public Parameter W_in { get; }
    public Parameter b_in { get; }
    public Parameter W_out { get; }
    public Parameter b_out { get; }

    public MlpWeights(ModelConfig c) : this(c, ScalarType.Float32) { }

    /// <summary>W_in and W_out in <paramref name="weightDtype"/>; biases stay float32.</summary>
    public MlpWeights(ModelConfig c, ScalarType weightDtype) : base("mlp")
    {
        if (c.GatedMlp) register_parameter("W_gate", W_gate = new Parameter(zeros([c.DModel, c.DMlp], weightDtype)));
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

/// <summary>One transformer block's weights; ln1_post and ln2_post are Gemma-2's norms of the attention and MLP outputs.</summary>
public sealed class BlockWeights : nn.Module
{
    public LayerNormWeights? ln1 { get; }
    public AttentionWeights attn { get; }
    public LayerNormWeights? ln1_post { get; }
    public LayerNormWeights? ln2 { get; }
    public MlpWeights? mlp { get; }
    public LayerNormWeights? ln2_post { get; }

    public BlockWeights(ModelConfig c) : this(c, ScalarType.Float32) { }

    public BlockWeights(ModelConfig c, ScalarType weightDtype) : base("block")
    {
        LayerNormWeights Norm(string name)
        {
            var norm = new LayerNormWeights(c.DModel, c.LayerNormEpsilon, c.Normalization);
            register_module(name, norm);
            return norm;
        }
        attn = new AttentionWeights(c, weightDtype);
        if (c.HasNormalization) ln1 = Norm("ln1");
        register_module("attn", attn);
        if (c.SandwichNorms) ln1_post = Norm("ln1_post");
        if (c.HasMlp)
        {
            if (c.HasNormalization) ln2 = Norm("ln2");
            register_module("mlp", mlp = new MlpWeights(c, weightDtype));
            if (c.SandwichNorms) ln2_post = Norm("ln2_post");
        }
    }
}
