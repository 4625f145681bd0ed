using System.CommandLine;
using CircuitDsl.Cli.Models;
using CircuitDsl.Cli.Pictures;
using CircuitDsl.Cli.Reports;
using CircuitDsl.Language;
using CircuitDsl.Language.Binding;
using CircuitDsl.Runtime.Weights;
using CircuitDsl.Zoo;
using CircuitDsl.Zoo.Tasks;
using static TorchSharp.torch;

namespace CircuitDsl.Cli.Commands;

/// <summary>
/// `circuit show FILE --out DIR`: each hypothesis as an SVG graph, and the attention pattern of every head it names as
/// an SVG heat map on the first few examples of its data.
/// </summary>
public static class ShowCommand
{
    public static Command Create(CliConsole console)
    {
        var fileArg = new Argument<string>("file") { Description = "A .circuit file." };
        var outOpt = new Option<string>("--out") { Description = "Folder for the pictures.", Required = true };
        var examplesOpt = new Option<int>("--examples") { Description = "Examples to draw attention patterns on.", DefaultValueFactory = _ => 2 };
        examplesOpt.Within(1, ResourceLimits.MaxPictureExamples, "examples");
        var modelOpt = ModelOption.Create("Draw against");
        var show = new Command("show", "Draw hypotheses and the attention patterns of the heads they name.") { fileArg, outOpt, examplesOpt, modelOpt };
        show.SetAction(parse => CliErrors.Guard(console, () =>
        {
            string file = Path.GetFullPath(parse.GetValue(fileArg)!);
            var models = ModelOption.Read(parse, modelOpt);
            var analysis = CircuitAnalyzer.AnalyzeFile(file, new PhysicalFileProvider(), new ConfigModelResolver(models), ZooTasks.Catalog);
            if (analysis.HasErrors)
            {
                console.Error.Write(analysis.RenderText());
                return ExitCodes.Error;
            }
            string outDir = parse.GetValue(outOpt)!;
            Directory.CreateDirectory(outDir);
            int examples = parse.GetValue(examplesOpt);
            foreach (var hypothesis in analysis.File!.Hypotheses)
            {
                string graphPath = Path.Combine(outDir, $"{hypothesis.Name}.svg");
                AtomicFile.WriteAllText(graphPath, SvgGraphWriter.Write(HypothesisGraph.Of(hypothesis), $"{hypothesis.Name}: {hypothesis.Description}"));
                console.Out.WriteLine($"wrote {graphPath}");
                foreach (string written in Heatmaps(hypothesis, Path.GetDirectoryName(file)!, models, outDir, examples))
                    console.Out.WriteLine($"wrote {written}");
            }
            return ExitCodes.Ok;
        }));
        return show;
    }

    static IEnumerable<string> Heatmaps(BoundHypothesis hypothesis, string fileDirectory, ModelMapping models, string outDir, int examples)
    {
        var heads = NamedHeads(hypothesis);
        if (heads.Count == 0) return [];
        using var loaded = ZooCatalog.Load(models.Apply(hypothesis.ModelReference), fileDirectory);
        var data = new ZooDatasets(loaded.Tokenizer, loaded.Model.Config.ContextLength)
            .Create(hypothesis.Data.Request, fileDirectory).Take(examples);
        using var scope = NewDisposeScope();
        var tokens = tensor(data.Examples.SelectMany(e => e.Tokens.Select(t => (long)t)).ToArray(), [data.Count, data.Length]);
        var layers = heads.Select(h => h.Layer).ToHashSet();
        var (_, cache) = loaded.Model.RunWithCache(tokens, name => layers.Any(l => name == loaded.Model.Hooks.Layers[l].Pattern));
        using (cache)
        {
            var written = new List<string>();
            foreach (var head in heads)
                for (int e = 0; e < data.Count; e++)
                {
                    var pattern = cache[loaded.Model.Hooks.Layers[head.Layer].Pattern][e, head.HeadIndex];
                    var values = new float[data.Length, data.Length];
                    var flat = pattern.data<float>().ToArray();
                    for (int q = 0; q < data.Length; q++)
                        for (int k = 0; k < data.Length; k++) values[q, k] = flat[q * data.Length + k];
                    var labels = data.Examples[e].Tokens.Select(t => loaded.Tokenizer.Decode([t])).ToArray();
                    string path = Path.Combine(outDir, $"{hypothesis.Name}-L{head.Layer}.H{head.HeadIndex}-example{e}.svg");
                    AtomicFile.WriteAllText(path, AttentionHeatmapWriter.Write(values, labels, $"L{head.Layer}.H{head.HeadIndex} on {data.Examples[e].Source ?? $"example {e}"}"));
                    written.Add(path);
                }
            return written;
        }
    }

    /// <summary>Every head the hypothesis names: in its interpretation graph, its groups and its expectations' paths.</summary>
    static IReadOnlyList<Component> NamedHeads(BoundHypothesis hypothesis)
    {
        var components = (hypothesis.Graph?.MappedComponents ?? [])
            .Concat(hypothesis.Groups.SelectMany(g => g.Components))
            .Concat(hypothesis.Expectations.Where(e => e.Path is not null).SelectMany(e => e.Path!.Hops.SelectMany(h => h.Components)));
        return components.Where(c => c.Kind == ComponentKind.Head).Select(c => c.AsOutput).Distinct()
            .OrderBy(c => c.Layer).ThenBy(c => c.HeadIndex).ToArray();
    }
}
