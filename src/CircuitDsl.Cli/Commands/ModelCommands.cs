using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using CircuitDsl.Runtime.Model;
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

    static Argument<string> ModelArgument() => new("model") { Description = "zoo:NAME, a model folder, or a Hugging Face GPT-2 folder." };

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
            o.WriteLine($"architecture {(c.HasMlp ? "GPT-2 family" : "attention-only")}, {c.Layers} layers x {c.Heads} heads, d_model {c.DModel}, d_head {c.DHead}" +
                        (c.HasMlp ? $", d_mlp {c.DMlp} ({c.Activation})" : ""));
            o.WriteLine($"normalise    {c.Normalization}; unembedding {(c.TiedUnembedding ? "tied to W_E" : "own W_U")}");
            o.WriteLine($"vocabulary   {c.VocabSize} tokens ({loaded.Tokenizer.GetType().Name}); context {c.ContextLength}");
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
