using System.Text.Json.Nodes;

namespace CircuitDsl.TestSupport;

/// <summary>
/// A small Hugging Face decoder of one family (llama, mistral, qwen2, gemma, gemma2, gpt_neox), described by the
/// settings its config.json holds. <see cref="RandomHfCheckpoint"/> writes a checkpoint of it; <see cref="ReferenceHfForward"/>
/// recomputes its logits from the HF tensors.
/// </summary>
public sealed record HfFamilyArch
{
    public required string ModelType { get; init; }
    public int Layers { get; init; } = 2;
    public int DModel { get; init; } = 48;
    public int Heads { get; init; } = 4;
    public int KvHeads { get; init; } = 4;
    public int HeadDim { get; init; } = 12;
    public int DMlp { get; init; } = 96;
    public int Vocab { get; init; } = 100;
    public int Context { get; init; } = 64;
    public double Eps { get; init; } = 1e-6;
    public string Activation { get; init; } = "silu";
    public double RopeTheta { get; init; } = 10_000;
    /// <summary>llama3 rope_scaling (factor, low_freq_factor, high_freq_factor, original_max_position_embeddings), or null.</summary>
    public (double Factor, double Low, double High, int Original)? Llama3 { get; init; }
    /// <summary>Write θ and the scaling as transformers v5's rope_parameters.</summary>
    public bool RopeParameters { get; init; }
    public bool QkvBias { get; init; }
    public bool OutputBias { get; init; }
    public bool Tied { get; init; }
    public int? Window { get; init; }
    /// <summary>The layers the window applies to (null: all).</summary>
    public int[]? WindowedLayers { get; init; }
    // Gemma
    public bool NormOffset { get; init; }
    public bool EmbedScale { get; init; }
    public bool Sandwich { get; init; }
    public double? QueryPreAttnScalar { get; init; }
    public double? AttnSoftCap { get; init; }
    public double? FinalSoftCap { get; init; }
    // GPT-NeoX
    public double RotaryPct { get; init; } = 1;
    public bool Parallel { get; init; }

    public bool IsNeox => ModelType == "gpt_neox";
    public int RotaryDim => (int)(HeadDim * RotaryPct);

    /// <summary>The config.json Hugging Face would write for it.</summary>
    public JsonObject Config()
    {
        var c = new JsonObject
        {
            ["model_type"] = ModelType,
            ["hidden_size"] = DModel,
            ["intermediate_size"] = DMlp,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["vocab_size"] = Vocab,
            ["max_position_embeddings"] = Context,
            ["tie_word_embeddings"] = Tied,
            ["torch_dtype"] = "float32",
        };
        if (IsNeox)
        {
            c["architectures"] = new JsonArray("GPTNeoXForCausalLM");
            c["rotary_pct"] = RotaryPct;
            c["rotary_emb_base"] = RopeTheta;
            c["layer_norm_eps"] = Eps;
            c["use_parallel_residual"] = Parallel;
            c["hidden_act"] = Activation;
            c["bos_token_id"] = 0;
            return c;
        }
        c["num_key_value_heads"] = KvHeads;
        c["head_dim"] = HeadDim;
        c["rms_norm_eps"] = Eps;
        c[ModelType.StartsWith("gemma", StringComparison.Ordinal) ? "hidden_activation" : "hidden_act"] = Activation;
        c["bos_token_id"] = ModelType.StartsWith("gemma", StringComparison.Ordinal) ? 2 : 1;
        JsonObject? scaling = Llama3 is { } s
            ? new JsonObject { ["rope_type"] = "llama3", ["factor"] = s.Factor, ["low_freq_factor"] = s.Low, ["high_freq_factor"] = s.High, ["original_max_position_embeddings"] = s.Original }
            : null;
        if (RopeParameters)
        {
            var p = scaling ?? new JsonObject { ["rope_type"] = "default" };
            p["rope_theta"] = RopeTheta;
            c["rope_parameters"] = p;
        }
        else
        {
            c["rope_theta"] = RopeTheta;
            c["rope_scaling"] = scaling;
        }
        if (ModelType == "llama") c["attention_bias"] = QkvBias;
        switch (ModelType)
        {
            case "mistral":
                c["sliding_window"] = Window;
                break;
            case "qwen2":
                c["use_sliding_window"] = Window is not null;
                c["sliding_window"] = Window ?? 4096;
                c["max_window_layers"] = WindowedLayers?.Min() ?? 0;
                break;
            case "gemma2":
                c["sliding_window"] = Window;
                c["query_pre_attn_scalar"] = QueryPreAttnScalar;
                c["attn_logit_softcapping"] = AttnSoftCap;
                c["final_logit_softcapping"] = FinalSoftCap;
                break;
        }
        return c;
    }

    public static HfFamilyArch Llama => new() { ModelType = "llama" };
    public static HfFamilyArch Mistral => new() { ModelType = "mistral", KvHeads = 2, Window = 4 };
    public static HfFamilyArch Qwen2 => new() { ModelType = "qwen2", KvHeads = 2, QkvBias = true, RopeTheta = 1e6 };
    public static HfFamilyArch Gemma => new() { ModelType = "gemma", KvHeads = 1, Activation = "gelu_pytorch_tanh", Tied = true, NormOffset = true, EmbedScale = true };
    public static HfFamilyArch Gemma2 => new()
    {
        ModelType = "gemma2", KvHeads = 2, HeadDim = 16, Activation = "gelu_pytorch_tanh", Tied = true, NormOffset = true, EmbedScale = true,
        Sandwich = true, QueryPreAttnScalar = 24, AttnSoftCap = 5, FinalSoftCap = 3, Window = 4, WindowedLayers = [0],
    };
    public static HfFamilyArch GptNeox => new()
    {
        ModelType = "gpt_neox", HeadDim = 12, RotaryPct = 0.5, Parallel = true, Activation = "gelu", Eps = 1e-5, QkvBias = true, OutputBias = true,
    };
}
