using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CircuitDsl.Runtime.Model;
using CircuitDsl.Runtime.Tokenization;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using static TorchSharp.torch;

namespace CircuitDsl.Cli.Commands;

/// <summary>`circuit model info` and `circuit model run`: look inside a model, and run its forward.</summary>
public static class ModelCommands
{
    public static Command Create(CliConsole console)
    {
        var model = new Command("model", "Inspect and run models (zoo:NAME or a folder).");
        model.Subcommands.Add(Info(console));
        model.Subcommands.Add(RunCommand(console));
        return model;
    }

    static Argument<string> ModelArgument() =>
        new("model") { Description = "zoo:NAME, hf:ORG/NAME, a model folder, or a Hugging Face folder (gpt2, llama, mistral, qwen2, gpt_neox, gemma, gemma2)." };

    static string FormatName(ModelFormat format) => format switch
    {
        ModelFormat.CircuitDsl => "CircuitDsl model folder",
        ModelFormat.HuggingFaceGpt2 => "Hugging Face GPT-2 (model_type gpt2)",
        ModelFormat.HuggingFaceLlama => "Hugging Face Llama (model_type llama)",
        ModelFormat.HuggingFaceMistral => "Hugging Face Mistral (model_type mistral)",
        ModelFormat.HuggingFaceQwen2 => "Hugging Face Qwen2 (model_type qwen2)",
        ModelFormat.HuggingFaceGptNeox => "Hugging Face GPT-NeoX (model_type gpt_neox)",
        ModelFormat.HuggingFaceGemma => "Hugging Face Gemma (model_type gemma)",
        ModelFormat.HuggingFaceGemma2 => "Hugging Face Gemma-2 (model_type gemma2)",
        _ => format.ToString(),
    };

    static string TokenizerName(ITokenizer tokenizer) => tokenizer.Spec.Kind switch
    {
        TokenizerSpec.IntegerKind => "integer tokens: the text is the ids",
        TokenizerSpec.Gpt2Kind => "GPT-2 BPE",
        TokenizerSpec.HuggingFaceBpeKind => $"byte-level BPE from tokenizer.json{Bos(tokenizer.Spec)}",
        TokenizerSpec.SentencePieceKind => $"SentencePiece from tokenizer.model{Bos(tokenizer.Spec)}",
        var kind => kind,
    };

    static string Bos(TokenizerSpec spec) => spec.BeginOfSentence is int bos ? $", BOS {bos} first" : ", no BOS";

    static string Number(double x) => x.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>The architecture, one labelled line per aspect: what a reader needs to know which forward runs.</summary>
    internal static IEnumerable<(string Label, string Text)> Describe(ModelConfig c)
    {
        string attention = c.KeyValueHeads is int kv
            ? kv == 1 ? ", 1 key/value head (multi-query)" : $", {kv} key/value heads (grouped-query)"
            : "";
        string mlp = c.HasMlp ? $", d_mlp {c.DMlp} ({(c.GatedMlp ? "gated " : "")}{c.Activation})" : "";
        string kind = !c.HasMlp ? "attention-only" : c.Normalization == Normalization.LayerNorm && !c.IsRotary && !c.GatedMlp ? "GPT-2 family" : "decoder";
        yield return ("architecture", $"{kind}, {c.Layers} layers x {c.Heads} heads{attention}, d_model {c.DModel}, d_head {c.DHead}{mlp}");

        string norm = c.Normalization switch
        {
            Normalization.RmsNorm => $"RMSNorm (eps {Number(c.LayerNormEpsilon)})",
            Normalization.LayerNorm => $"LayerNorm (eps {Number(c.LayerNormEpsilon)})",
            _ => "none",
        };
        yield return ("normalise", $"{norm}; unembedding {(c.TiedUnembedding ? "tied to W_E" : "own W_U")}");

        if (c.IsRotary)
        {
            string dims = c.RotaryDimensions == c.DHead ? "all" : $"{c.RotaryDimensions} of {c.DHead}";
            string scaling = c.RopeScaling is { } s
                ? $", llama3 scaling (factor {Number(s.Factor)}, low {Number(s.LowFreqFactor)}, high {Number(s.HighFreqFactor)}, original context {s.OriginalContextLength})"
                : "";
            yield return ("positions", $"rotary on {dims} dims of each head, base {Number(c.RotaryBase)}{scaling}");
        }
        else yield return ("positions", "learned (W_pos)");

        if (c.HasMlp)
            yield return ("block", c.ParallelResidual ? "parallel: x + attn(ln1(x)) + mlp(ln2(x))"
                : c.SandwichNorms ? "sandwich norms: attention and MLP outputs normalised (ln1_post, ln2_post) before they are added"
                : "sequential: attention, then MLP");

        var attn = new List<string> { c.AttentionScale is { } scale ? $"scale {Number(scale)}" : "scale 1/sqrt(d_head)" };
        if (c.AttentionSoftCap is { } cap) attn.Add($"scores soft-capped at {Number(cap)}");
        if (c.SlidingWindow is { } w) attn.Add($"sliding window {w} on {(c.WindowedLayers is { } layers ? $"layers {layers}" : "every layer")}");
        yield return ("attention", string.Join("; ", attn));

        var ends = new List<string>();
        if (c.EmbeddingScale != 1) ends.Add($"embeddings x {Number(c.EmbeddingScale)}");
        if (c.LogitSoftCap is { } logitCap) ends.Add($"logits soft-capped at {Number(logitCap)}");
        if (ends.Count > 0) yield return ("ends", string.Join("; ", ends));
    }

    static Command Info(CliConsole console)
    {
        var modelArg = ModelArgument();
        var info = new Command("info", "Architecture, parameter count and hook points of a model.") { modelArg };
        info.SetAction(parse => CliErrors.Guard(console, () =>
        {
            using var loaded = ZooCatalog.Load(parse.GetValue(modelArg)!);
            var c = loaded.Model.Config;
            var o = console.Out;
            o.WriteLine($"model        {c.Name}  ({loaded.Source})");
            o.WriteLine($"format       {FormatName(loaded.Format)}");
            foreach (var (label, text) in Describe(c))
                o.WriteLine($"{label,-12} {text}");
            o.WriteLine($"vocabulary   {c.VocabSize} tokens ({TokenizerName(loaded.Tokenizer)}); context {c.ContextLength}");
            // Counted from the module itself, so a tied unembedding counts once and nothing is derived twice.
            long parameters = loaded.Model.parameters().Sum(p => p.numel());
            o.WriteLine($"parameters   {parameters.ToString("N0", CultureInfo.InvariantCulture)}");
            o.WriteLine();
            o.WriteLine("hook points (* = computed only when a cache or an intervention asks for it):");
            foreach (var h in loaded.Model.Hooks.All)
                o.WriteLine($"  {h.Name,-34} {h.Shape}{(h.OnDemand ? "  *" : "")}");
            return ExitCodes.Ok;
        }));
        return info;
    }

    static Command RunCommand(CliConsole console)
    {
        var modelArg = ModelArgument();
        var tokensOpt = new Option<string?>("--tokens") { Description = "Space-separated token ids, e.g. \"1 2 3\"." };
        var textOpt = new Option<string?>("--text") { Description = "Text to tokenize with the model's tokenizer." };
        var formatOpt = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        formatOpt.AcceptOnlyFromAmong("text", "json");
        var run = new Command("run", "Print the logits of every position (and the predicted tokens).") { modelArg, tokensOpt, textOpt, formatOpt };
        run.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string? tokensText = parse.GetValue(tokensOpt), text = parse.GetValue(textOpt);
            if ((tokensText is null) == (text is null))
                throw new ArgumentException("give exactly one of --tokens or --text");
            using var loaded = ZooCatalog.Load(parse.GetValue(modelArg)!);
            int[] ids = tokensText is not null ? ParseTokens(tokensText, loaded.Model.Config) : loaded.Tokenizer.Encode(text!);
            if (ids.Length == 0) throw new ArgumentException("no tokens to run");

            using var scope = NewDisposeScope();
            var logits = loaded.Model.Forward(tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]))[0];
            var rows = Enumerable.Range(0, ids.Length).Select(p => logits[p].data<float>().ToArray()).ToArray();
            var predicted = rows.Select(r => Array.IndexOf(r, r.Max())).ToArray();
            if (parse.GetValue(formatOpt) == "json")
                console.Out.WriteLine(JsonSerializer.Serialize(new { tokens = ids, logits = rows, predicted }));
            else
                for (int p = 0; p < ids.Length; p++)
                    console.Out.WriteLine($"pos {p,3}  token {ids[p],6}  predicted {predicted[p],6}  logit {rows[p][predicted[p]].ToString("0.####", CultureInfo.InvariantCulture)}");
            return ExitCodes.Ok;
        }));
        return run;
    }

    static int[] ParseTokens(string text, ModelConfig config) =>
        text.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(word =>
            int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out int id) && id < config.VocabSize
                ? id
                : throw new ArgumentException($"--tokens: '{word}' is not a token id in 0..{config.VocabSize - 1}")).ToArray();
}
