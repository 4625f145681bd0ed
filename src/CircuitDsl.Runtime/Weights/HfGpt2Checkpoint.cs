using System.Text.Json.Nodes;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using static TorchSharp.torch;

namespace CircuitDsl.Runtime.Weights;

/// <summary>
/// Loads a Hugging Face GPT-2 checkpoint folder (<c>config.json</c> + <c>model.safetensors</c>) into a
/// <see cref="HookedTransformer"/>, converting the weights as TransformerLens's <c>convert_gpt2_weights</c> does:
/// Conv1D weights are stored [in, out]; <c>c_attn</c> is split into Q, K, V and each rearranged to
/// [head, d_model, d_head]; <c>c_proj</c> becomes W_O [head, d_head, d_model]; the unembedding is tied to wte.
/// </summary>
public static class HfGpt2Checkpoint
{
    const string Prefix = "transformer.";

    public static LoadedModel Load(string dir, JsonObject configJson) => Load(dir, configJson, ModelLoadOptions.Default);

    /// <summary>Loads the checkpoint as <paramref name="options"/> say (e.g. keeping half-precision weights).</summary>
    public static LoadedModel Load(string dir, JsonObject configJson, ModelLoadOptions options)
    {
        string configPath = Path.Combine(dir, ModelFolder.ConfigFile), weightsPath = Path.Combine(dir, ModelFolder.WeightsFile);
        var config = HfGpt2Config.Read(configPath, configJson, HfGpt2Config.NameOf(configJson, dir));
        string missing = File.Exists(Path.Combine(dir, "pytorch_model.bin"))
            ? "missing: only safetensors checkpoints load (pytorch_model.bin is a pickle); save the model with safe_serialization=True"
            : "missing: a Hugging Face GPT-2 folder needs model.safetensors beside config.json";

        // Names, shapes and dtypes are checked against the config from the header alone, before anything is allocated.
        using var reader = SafetensorsReader.Open(weightsPath, missing);
        var fileNames = MapNames(reader, weightsPath);
        CheckNamesAndShapes(config, fileNames, reader, weightsPath);

        var model = new HookedTransformer(config, options.WeightDtypeFor(MatrixSources(config).Select(n => reader.StoredType(fileNames[n]))));
        try
        {
            using var hf = new HfTensors(reader, fileNames);
            ModelParameters.Assign(model, (tlName, parameter) => Fill(tlName, parameter, config, hf));
            return new LoadedModel(model, Gpt2Tokenizer.Instance, null, ModelFormat.HuggingFaceGpt2, Path.GetFullPath(dir));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Canonical HF name (without "transformer.") → name in the file; attention mask buffers are dropped.</summary>
    static Dictionary<string, string> MapNames(SafetensorsReader reader, string file)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stored in reader.Entries.Keys)
        {
            string canonical = stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored[Prefix.Length..] : stored;
            if (canonical.EndsWith(".attn.bias", StringComparison.Ordinal) || canonical.EndsWith(".attn.masked_bias", StringComparison.Ordinal))
                continue; // causal-mask buffers, not weights
            if (!map.TryAdd(canonical, stored))
                throw new ModelFormatException(file, $"tensor '{canonical}' is stored twice ('{map[canonical]}' and '{stored}')");
        }
        return map;
    }

    /// <summary>The HF tensors a GPT-2 of this config has, with their shapes.</summary>
    static Dictionary<string, long[]> ExpectedShapes(ModelConfig c)
    {
        long d = c.DModel, mlp = c.DMlp;
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["wte.weight"] = [c.VocabSize, d],
            ["wpe.weight"] = [c.ContextLength, d],
            ["ln_f.weight"] = [d],
            ["ln_f.bias"] = [d],
        };
        for (int l = 0; l < c.Layers; l++)
        {
            string h = $"h.{l}.";
            shapes[h + "ln_1.weight"] = [d];
            shapes[h + "ln_1.bias"] = [d];
            shapes[h + "attn.c_attn.weight"] = [d, 3 * d];
            shapes[h + "attn.c_attn.bias"] = [3 * d];
            shapes[h + "attn.c_proj.weight"] = [d, d];
            shapes[h + "attn.c_proj.bias"] = [d];
            shapes[h + "ln_2.weight"] = [d];
            shapes[h + "ln_2.bias"] = [d];
            shapes[h + "mlp.c_fc.weight"] = [d, mlp];
            shapes[h + "mlp.c_fc.bias"] = [mlp];
            shapes[h + "mlp.c_proj.weight"] = [mlp, d];
            shapes[h + "mlp.c_proj.bias"] = [d];
        }
        if (!c.TiedUnembedding) shapes["lm_head.weight"] = [c.VocabSize, d];
        return shapes;
    }

    static void CheckNamesAndShapes(ModelConfig config, Dictionary<string, string> fileNames, SafetensorsReader reader, string file)
    {
        var expected = ExpectedShapes(config);
        // A tied checkpoint may still carry lm_head.weight (a copy of wte); it is checked but not used.
        if (config.TiedUnembedding && fileNames.ContainsKey("lm_head.weight")) expected["lm_head.weight"] = [config.VocabSize, config.DModel];
        var actual = fileNames.ToDictionary(n => n.Key, n => reader.Entries[n.Value], StringComparer.Ordinal);
        ModelParameters.CheckNamesAndShapes(expected, actual, file);
    }

    /// <summary>
    /// Writes TransformerLens parameter <paramref name="tlName"/> from the HF tensors. Tensors whose memory layout is
    /// already the parameter's (embeddings, LayerNorms, biases, the MLP, c_proj as [head, d_head, d_model]) are read
    /// straight into it; only c_attn's split and lm_head's transpose go through a float32 copy of their source.
    /// </summary>
    static void Fill(string tlName, Tensor parameter, ModelConfig c, HfTensors hf)
    {
        string[] parts = tlName.Split('.');
        switch (parts)
        {
            case ["embed", "W_E"]: hf.ReadInto("wte.weight", parameter); return;
            case ["pos_embed", "W_pos"]: hf.ReadInto("wpe.weight", parameter); return;
            case ["ln_final", var p]: hf.ReadInto($"ln_f.{LayerNormLeaf(p)}", parameter); return;
            case ["unembed", "W_U"]: hf.CopyInto(parameter, tlName, hf.Read("lm_head.weight").t()); return;
            case ["unembed", "b_U"]: parameter.zero_(); return; // GPT-2 has no unembedding bias
            case ["blocks", var layer, var module, var p]: FillBlock($"h.{layer}.", module, p, parameter, tlName, c, hf); return;
            default: throw new InvalidOperationException($"no GPT-2 source for parameter '{tlName}'");
        }
    }

    static void FillBlock(string h, string module, string p, Tensor parameter, string tlName, ModelConfig c, HfTensors hf)
    {
        int d = c.DModel;
        switch (module, p)
        {
            case ("ln1", _): hf.ReadInto($"{h}ln_1.{LayerNormLeaf(p)}", parameter); return;
            case ("ln2", _): hf.ReadInto($"{h}ln_2.{LayerNormLeaf(p)}", parameter); return;
            // c_attn's output columns are [q | k | v], each of them head-major: column = head * d_head + e.
            case ("attn", "W_Q" or "W_K" or "W_V"):
                hf.CopyInto(parameter, tlName, hf.Read($"{h}attn.c_attn.weight").narrow(1, QkvIndex(p) * d, d).reshape(d, c.Heads, c.DHead).permute(1, 0, 2));
                return;
            case ("attn", "b_Q" or "b_K" or "b_V"):
                hf.CopyInto(parameter, tlName, hf.Read($"{h}attn.c_attn.bias").narrow(0, QkvIndex(p) * d, d).reshape(c.Heads, c.DHead));
                return;
            // c_proj's input rows are the concatenated heads, so [d, d] is already [head, d_head, d_model] in memory.
            case ("attn", "W_O"): hf.ReadInto($"{h}attn.c_proj.weight", parameter.view(d, d)); return;
            case ("attn", "b_O"): hf.ReadInto($"{h}attn.c_proj.bias", parameter); return;
            case ("mlp", "W_in"): hf.ReadInto($"{h}mlp.c_fc.weight", parameter); return;
            case ("mlp", "b_in"): hf.ReadInto($"{h}mlp.c_fc.bias", parameter); return;
            case ("mlp", "W_out"): hf.ReadInto($"{h}mlp.c_proj.weight", parameter); return;
            case ("mlp", "b_out"): hf.ReadInto($"{h}mlp.c_proj.bias", parameter); return;
            default: throw new InvalidOperationException($"no GPT-2 source for parameter '{module}.{p}' of {h}");
        }
    }

    /// <summary>The HF tensors that become weight matrices (W_*): every weight but the LayerNorms', and lm_head only when used.</summary>
    static IEnumerable<string> MatrixSources(ModelConfig c) =>
        ExpectedShapes(c).Keys.Where(n => n.EndsWith(".weight", StringComparison.Ordinal) && !n.StartsWith("ln_", StringComparison.Ordinal) && !n.Contains(".ln_", StringComparison.Ordinal));

    static int QkvIndex(string p) => p[^1] switch { 'Q' => 0, 'K' => 1, _ => 2 };

    static string LayerNormLeaf(string p) => p == "w" ? "weight" : "bias";
}
