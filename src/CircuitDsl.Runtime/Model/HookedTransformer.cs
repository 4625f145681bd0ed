using CircuitDsl.Runtime.Hooks;
using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace CircuitDsl.Runtime.Model;

/// <summary>
/// A transformer written in managed TorchSharp code with TransformerLens's hook points, so that every head,
/// its q/k/v inputs and its write into the residual stream can be read and changed.
/// Parameters are named as TransformerLens names them (<c>blocks.0.attn.W_Q</c>, shape [head, d_model, d_head]).
/// </summary>
public sealed partial class HookedTransformer : nn.Module
{
    public ModelConfig Config { get; }
    /// <summary>The dtype of the weight matrices (W_*): float32 unless the model was built to keep a checkpoint's half precision.</summary>
    public ScalarType WeightDtype { get; }
    public HookNames Hooks { get; }
    // The rotary angles' cos and sin, built once (not a parameter: nothing is read from or written to weights files).
    readonly RotaryEmbedding? rotary;
    public WeightModule embed { get; }
    /// <summary>The learned position embedding; null for rotary models (positions enter through q and k).</summary>
    public WeightModule? pos_embed { get; }
    public IReadOnlyList<BlockWeights> blocks { get; }
    public LayerNormWeights? ln_final { get; }
    public WeightModule unembed { get; }

    public HookedTransformer(ModelConfig config) : this(config, ScalarType.Float32) { }

    /// <summary>
    /// A model whose weight matrices (every parameter named W_*) are kept in <paramref name="weightDtype"/> (float32,
    /// float16 or bfloat16); biases and LayerNorms stay float32. The forward always computes in float32: a
    /// half-precision matrix is widened where it is used, one op at a time (see HookedTransformer.Widening.cs).
    /// </summary>
    public HookedTransformer(ModelConfig config, ScalarType weightDtype) : base("HookedTransformer")
    {
        TorchNative.EnsureLoaded();
        config.Validate(config.Name);
        if (weightDtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
            throw new ArgumentOutOfRangeException(nameof(weightDtype), weightDtype, "weights are kept as float32, float16 or bfloat16");
        Config = config;
        WeightDtype = weightDtype;
        Hooks = new HookNames(config);

        embed = new WeightModule("embed", weightDtype, ("W_E", [config.VocabSize, config.DModel]));
        if (!config.IsRotary) pos_embed = new WeightModule("pos_embed", weightDtype, ("W_pos", [config.ContextLength, config.DModel]));
        rotary = config.IsRotary ? new RotaryEmbedding(config) : null;
        var blockList = new nn.Module[config.Layers];
        var typedBlocks = new BlockWeights[config.Layers];
        for (int l = 0; l < config.Layers; l++) blockList[l] = typedBlocks[l] = new BlockWeights(config, weightDtype);
        blocks = typedBlocks;
        unembed = config.TiedUnembedding
            ? new WeightModule("unembed", weightDtype, ("b_U", [config.VocabSize]))
            : new WeightModule("unembed", weightDtype, ("W_U", [config.DModel, config.VocabSize]), ("b_U", [config.VocabSize]));

        register_module("embed", embed);
        if (pos_embed is not null) register_module("pos_embed", pos_embed);
        register_module("blocks", nn.ModuleList(blockList));
        if (config.HasNormalization)
            register_module("ln_final", ln_final = new LayerNormWeights(config.DModel, config.LayerNormEpsilon, config.Normalization));
        register_module("unembed", unembed);
        eval();
    }

    public Parameter W_E => embed["W_E"];
    public Parameter W_pos => (pos_embed ?? throw new InvalidOperationException($"{Config.Name} is rotary: it has no learned position embedding"))["W_pos"];
    /// <summary>The unembedding [d_model, vocab]: its own matrix, or W_E transposed when tied.</summary>
    public Tensor W_U => Config.TiedUnembedding ? W_E.t() : unembed["W_U"];
    public Parameter b_U => unembed["b_U"];

    /// <summary>
    /// Fresh weights, deterministic per seed. <see cref="WeightInit.Gpt2"/>: weights N(0, 0.02). <see cref="WeightInit.Torch"/>:
    /// PyTorch's module defaults (embeddings N(0, 1), projections U(±1/√fan_in)), whose larger scale breaks the
    /// symmetry between heads sooner in small models. Biases start at 0 and LayerNorm weights at 1 in both.
    /// </summary>
    public void InitializeWeights(long seed, WeightInit scheme = WeightInit.Gpt2)
    {
        using var _ = no_grad();
        var generator = new Generator((ulong)seed);
        foreach (var (name, p) in named_parameters())
        {
            string leaf = name[(name.LastIndexOf('.') + 1)..];
            if (!leaf.StartsWith('W'))
                p.fill_(name.Contains("ln") && leaf == "w" ? 1 : 0);
            else if (scheme == WeightInit.Gpt2)
                p.normal_(0, 0.02, generator);
            else if (leaf is "W_E" or "W_pos")
                p.normal_(0, 1, generator);
            else
            {
                double bound = 1 / Math.Sqrt(FanIn(leaf));
                p.uniform_(-bound, bound, generator);
            }
        }
    }

    int FanIn(string weight) => weight switch
    {
        "W_O" => Config.Heads * Config.DHead,
        "W_out" => Config.DMlp,
        _ => Config.DModel,
    };

    /// <summary>
    /// Runs the model on token ids [batch, pos] and returns the logits [batch, pos, vocab] (or, with
    /// <see cref="RunOptions.StopAtLayer"/>, that block's resid_pre). The caller owns the result.
    /// </summary>
    public Tensor Forward(Tensor tokens, RunOptions? options = null)
    {
        options ??= RunOptions.Plain;
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        CheckTokens(tokens);
        var run = new HookRun(Hooks, options);
        long positions = tokens.shape[1];
        var looked = Widen(W_E.index_select(0, tokens.flatten())).view(tokens.shape[0], positions, Config.DModel);
        var tokenEmbedding = run.Fire(HookNames.Embed, Config.EmbeddingScale == 1 ? looked : looked * Config.EmbeddingScale);
        if (pos_embed is null) return RunBlocks(tokenEmbedding, 0, options, run).MoveToOuterDisposeScope();
        var positionEmbedding = run.Fire(HookNames.PosEmbed, Widen(W_pos.narrow(0, 0, positions)).unsqueeze(0).expand(tokens.shape[0], positions, Config.DModel));
        return RunBlocks(tokenEmbedding + positionEmbedding, 0, options, run).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Continues a run from block <paramref name="startAtLayer"/>, given its resid_pre [batch, pos, d_model]
    /// (<paramref name="startAtLayer"/> = Layers runs only the final LayerNorm and the unembedding).
    /// </summary>
    public Tensor ForwardFrom(int startAtLayer, Tensor residual, RunOptions? options = null)
    {
        options ??= RunOptions.Plain;
        if (startAtLayer < 0 || startAtLayer > Config.Layers)
            throw new ArgumentOutOfRangeException(nameof(startAtLayer), startAtLayer, $"the model has layers 0..{Config.Layers - 1}");
        if (residual.dim() != 3 || residual.shape[2] != Config.DModel)
            throw new ShapeMismatchException(Hooks.Layers.Count > startAtLayer ? Hooks.Layers[startAtLayer].ResidPre : "ln_final", [-1, -1, Config.DModel], residual.shape);
        using var mode = options.Gradients ? null : no_grad();
        using var scope = NewDisposeScope();
        return RunBlocks(residual.alias(), startAtLayer, options, new HookRun(Hooks, options)).MoveToOuterDisposeScope();
    }

    /// <summary>Runs with a cache of the activations whose names pass <paramref name="names"/> (all by default).</summary>
    public (Tensor Logits, ActivationCache Cache) RunWithCache(Tensor tokens, Func<string, bool>? names = null, IReadOnlyList<int>? positions = null)
    {
        var cache = new ActivationCache();
        try
        {
            var logits = Forward(tokens, new RunOptions { Cache = cache, CacheFilter = names, CachePositions = positions });
            return (logits, cache);
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>Runs with the given interventions (TransformerLens's run_with_hooks).</summary>
    public Tensor RunWithInterventions(Tensor tokens, params Intervention[] interventions) =>
        Forward(tokens, new RunOptions { Interventions = interventions });

    void CheckTokens(Tensor tokens)
    {
        if (tokens.dim() != 2)
            throw new ArgumentException($"tokens must be [batch, pos]; got [{string.Join(", ", tokens.shape)}]");
        if (tokens.shape[1] > Config.ContextLength)
            throw new ArgumentException($"{tokens.shape[1]} positions exceed the model's context length {Config.ContextLength}");
        if (tokens.dtype != ScalarType.Int64)
            throw new ArgumentException($"tokens must be int64; got {tokens.dtype}");
        if (tokens.numel() > 0 && (tokens.min().item<long>() < 0 || tokens.max().item<long>() >= Config.VocabSize))
            throw new ArgumentException($"token ids must lie in 0..{Config.VocabSize - 1}");
    }
}
