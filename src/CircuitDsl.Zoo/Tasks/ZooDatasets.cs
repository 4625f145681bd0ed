using System.Globalization;
using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The built-in tasks as the engine's datasets: <c>repeated_tokens</c>, <c>ioi</c> and <c>parens</c> (made here,
/// seeded) and <c>jsonl</c> (the user's prompts, read with the model's tokenizer).
/// </summary>
/// <param name="tokenizer">
/// The model's tokenizer: it reads JSONL text and bounds repeated_tokens' vocabulary. ioi and parens bring their own
/// integer vocabularies, so they run on integer-token models with at least that many tokens; ioi's words are also
/// single GPT-2 tokens, so it runs on GPT-2's BPE as well.
/// </param>
/// <param name="contextLength">The model's context, the default length of repeated_tokens sequences.</param>
public sealed class ZooDatasets(ITokenizer tokenizer, int contextLength) : IDatasetProvider
{
    static readonly string[] Implemented = [RepeatedTokensTask.Name, IoiTask.Name, ParensTask.Name, "jsonl"];

    public Dataset Create(string task, IReadOnlyDictionary<string, object> arguments, string baseDirectory) => task switch
    {
        RepeatedTokensTask.Name => RepeatedTokens(arguments),
        "jsonl" => Jsonl(arguments, baseDirectory),
        IoiTask.Name => Ioi(arguments),
        ParensTask.Name => Parens(arguments),
        _ => throw new NotSupportedException($"unknown task '{task}'; tasks that can run: {string.Join(", ", Implemented)}"),
    };

    Dataset RepeatedTokens(IReadOnlyDictionary<string, object> arguments)
    {
        int length = arguments.TryGetValue("length", out var l) ? ToInt(l, "length") : contextLength;
        // The default task's prefixes (4..24 of 48) scaled to shorter sequences, so that every sequence repeats.
        int maxPrefix = Math.Min(24, length / 2);
        var generator = new RepeatedTokensTask(tokenizer.VocabSize, length, Math.Min(4, maxPrefix), maxPrefix);
        return RepeatedTokensData.Create(generator, Count(arguments, RepeatedTokensTask.Name, length),
            Seed(arguments, RepeatedTokensTask.Name));
    }

    Dataset Ioi(IReadOnlyDictionary<string, object> arguments)
    {
        var ids = IoiWords();
        var counterfactual = Choice(arguments, "counterfactual", "abc") switch
        {
            "abc" => IoiCounterfactual.Abc,
            "resample" => IoiCounterfactual.Resample,
            var other => throw new ArgumentException($"ioi's counterfactual must be abc or resample, not '{other}'"),
        };
        var task = new IoiTask(Choice(arguments, "templates", "all"));
        RequireContext(IoiTask.Name, IoiTemplates.PromptLength);
        return IoiData.Create(task, Count(arguments, IoiTask.Name, IoiTemplates.PromptLength), Seed(arguments, IoiTask.Name), counterfactual, ids);
    }

    /// <summary>GPT-2 reads ioi's words as text; an integer-token model reads the task's own ids.</summary>
    IoiWordIds IoiWords()
    {
        if (tokenizer.Spec.Kind == TokenizerSpec.Gpt2Kind) return IoiWordIds.Gpt2;
        RequireVocabulary(IoiTask.Name, IoiVocabulary.Size);
        return IoiWordIds.Integer;
    }

    Dataset Parens(IReadOnlyDictionary<string, object> arguments)
    {
        RequireVocabulary(ParensTask.Name, ParensTask.VocabSize);
        // Chan et al.'s 40 parentheses, or fewer when <start> and <end> would not fit the model's context.
        int length = arguments.TryGetValue("length", out var l) ? ToInt(l, "length") : Math.Min(40, contextLength - 2);
        var task = new ParensTask(length);
        RequireContext(ParensTask.Name, task.SequenceLength);
        return ParensData.Create(task, Count(arguments, ParensTask.Name, task.SequenceLength), Seed(arguments, ParensTask.Name));
    }

    /// <summary>The task's token ids mean its own words, so the model must read integer tokens and have room for them all.</summary>
    void RequireVocabulary(string task, int size)
    {
        if (tokenizer.Spec.Kind != TokenizerSpec.IntegerKind)
            throw new NotSupportedException($"task '{task}' uses its own vocabulary of {size} integer tokens, but the model's tokenizer is '{tokenizer.Spec.Kind}'; give such a model its prompts as a jsonl file");
        if (tokenizer.VocabSize < size)
            throw new ArgumentException($"task '{task}' needs a vocabulary of at least {size} tokens, but the model has {tokenizer.VocabSize}");
    }

    void RequireContext(string task, int length)
    {
        if (length > contextLength)
            throw new ArgumentException($"task '{task}' makes prompts of {length} tokens, longer than the model's context of {contextLength}");
    }

    /// <summary>
    /// The example count, within the dataset limits: the binder refuses a file's count (CD2036), and this refuses a
    /// count from elsewhere (`check --samples`) before anything is generated.
    /// </summary>
    static int Count(IReadOnlyDictionary<string, object> arguments, string task, int tokensPerExample)
    {
        long count = ToLong(Required(arguments, "count", task), "count");
        if (count < 1 || count > ResourceLimits.MaxExamples)
            throw new ArgumentException($"task '{task}' cannot make {count} examples: the count must lie between 1 and {ResourceLimits.MaxExamples:N0} ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxExamples)})");
        if (count * tokensPerExample > ResourceLimits.MaxDatasetTokens)
            throw new ArgumentException($"task '{task}': {count:N0} examples × {tokensPerExample} tokens exceed the limit of {ResourceLimits.MaxDatasetTokens:N0} tokens ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxDatasetTokens)})");
        return (int)count;
    }

    static string Choice(IReadOnlyDictionary<string, object> arguments, string name, string fallback) =>
        arguments.TryGetValue(name, out var value) ? (string)value : fallback;

    static ulong Seed(IReadOnlyDictionary<string, object> arguments, string task) =>
        unchecked((ulong)ToLong(Required(arguments, "seed", task), "seed"));

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
        // Two sources of pairs would leave one silently unused.
        if (prompts.HasCounterfactuals)
            throw new ArgumentException($"{prompts.Name} gives each line its own 'counterfactual', and a counterfactual file is named too; use one of them");
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
