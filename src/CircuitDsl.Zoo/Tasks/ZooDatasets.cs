using System.Globalization;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The built-in tasks as the engine's datasets: <c>repeated_tokens</c> (made here, seeded) and <c>jsonl</c> (the
/// user's prompts, read with the model's tokenizer). <c>ioi</c> and <c>parens</c> bind but have no generator yet.
/// </summary>
/// <param name="tokenizer">The model's tokenizer: it reads JSONL text and bounds repeated_tokens' vocabulary.</param>
/// <param name="contextLength">The model's context, the default length of repeated_tokens sequences.</param>
public sealed class ZooDatasets(ITokenizer tokenizer, int contextLength) : IDatasetProvider
{
    static readonly string[] Implemented = [RepeatedTokensTask.Name, "jsonl"];

    public Dataset Create(string task, IReadOnlyDictionary<string, object> arguments, string baseDirectory) => task switch
    {
        RepeatedTokensTask.Name => RepeatedTokens(arguments),
        "jsonl" => Jsonl(arguments, baseDirectory),
        "ioi" or "parens" => throw new NotSupportedException(
            $"task '{task}' has no example generator yet; tasks that can run: {string.Join(", ", Implemented)} (or put the prompts in a jsonl file)"),
        _ => throw new NotSupportedException($"unknown task '{task}'; tasks that can run: {string.Join(", ", Implemented)}"),
    };

    Dataset RepeatedTokens(IReadOnlyDictionary<string, object> arguments)
    {
        int length = arguments.TryGetValue("length", out var l) ? ToInt(l, "length") : contextLength;
        // The default task's prefixes (4..24 of 48) scaled to shorter sequences, so that every sequence repeats.
        int maxPrefix = Math.Min(24, length / 2);
        var generator = new RepeatedTokensTask(tokenizer.VocabSize, length, Math.Min(4, maxPrefix), maxPrefix);
        return RepeatedTokensData.Create(generator, ToInt(Required(arguments, "count", RepeatedTokensTask.Name), "count"),
            unchecked((ulong)ToLong(Required(arguments, "seed", RepeatedTokensTask.Name), "seed")));
    }

    Dataset Jsonl(IReadOnlyDictionary<string, object> arguments, string baseDirectory)
    {
        string path = Path.GetFullPath((string)Required(arguments, "path", "jsonl"), baseDirectory);
        var data = JsonlDataset.Load(path, tokenizer);
        if (arguments.TryGetValue("counterfactual", out var counterfactualPath))
            data = Paired(data, JsonlDataset.Load(Path.GetFullPath((string)counterfactualPath, baseDirectory), tokenizer));
        return arguments.TryGetValue("count", out var count) ? data.Take(ToInt(count, "count")) : data;
    }

    /// <summary>The counterfactual file's prompts, line by line, become each reference's counterfactual.</summary>
    static Dataset Paired(Dataset prompts, Dataset counterfactuals)
    {
        if (counterfactuals.Count != prompts.Count)
            throw new ArgumentException($"{counterfactuals.Name} holds {counterfactuals.Count} prompts but {prompts.Name} holds {prompts.Count}; they pair line by line");
        var examples = prompts.Examples.Select((e, i) => new Example(e.Tokens, counterfactuals.Examples[i].Tokens, e.Answer, e.WrongAnswer,
            e.PositionNames.ToDictionary(n => n, e.NamedPositions, StringComparer.Ordinal), e.Group, e.Source)).ToArray();
        return new Dataset(examples, name: prompts.Name);
    }

    static object Required(IReadOnlyDictionary<string, object> arguments, string name, string task) =>
        arguments.TryGetValue(name, out var value) ? value : throw new ArgumentException($"task '{task}' needs the argument '{name}'");

    static long ToLong(object value, string name) => value switch
    {
        long l => l,
        int i => i,
        _ => throw new ArgumentException($"argument '{name}' must be a whole number, not '{Convert.ToString(value, CultureInfo.InvariantCulture)}'"),
    };

    static int ToInt(object value, string name) => checked((int)ToLong(value, name));
}
