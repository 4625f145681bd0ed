using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>What a task's examples are made for: the model's tokenizer and context, and where data files are.</summary>
/// <param name="Tokenizer">
/// The model's tokenizer: it reads JSONL text and bounds repeated_tokens' vocabulary. ioi and parens bring their own
/// integer vocabularies, so they run on integer-token models with at least that many tokens; ioi's words are also
/// single GPT-2 tokens, so it runs on GPT-2's BPE as well.
/// </param>
/// <param name="ContextLength">The model's context, the default length of repeated_tokens sequences.</param>
/// <param name="BaseDirectory">What relative data-file paths are relative to.</param>
public sealed record TaskEnvironment(ITokenizer Tokenizer, int ContextLength, string BaseDirectory)
{
    /// <summary>The task's token ids mean its own words, so the model must read integer tokens and have room for them all.</summary>
    public void RequireVocabulary(string task, int size)
    {
        if (Tokenizer.Spec.Kind != TokenizerSpec.IntegerKind)
            throw new NotSupportedException($"task '{task}' uses its own vocabulary of {size} integer tokens, but the model's tokenizer is '{Tokenizer.Spec.Kind}'; give such a model its prompts as a jsonl file");
        if (Tokenizer.VocabSize < size)
            throw new ArgumentException($"task '{task}' needs a vocabulary of at least {size} tokens, but the model has {Tokenizer.VocabSize}");
    }

    /// <summary>Prompts of <paramref name="length"/> tokens must fit the model's context.</summary>
    public void RequireContext(string task, int length)
    {
        if (length > ContextLength)
            throw new ArgumentException($"task '{task}' makes prompts of {length} tokens, longer than the model's context of {ContextLength}");
    }

    /// <summary>
    /// The example count, within the dataset limits: the binder refuses a file's count (CD2036), and this refuses a
    /// count from elsewhere (`check --samples`) before anything is generated.
    /// </summary>
    public static int Count(TaskRequest request, int tokensPerExample)
    {
        long count = request.Count;
        if (count < 1 || count > ResourceLimits.MaxExamples)
            throw new ArgumentException($"task '{request.Task}' cannot make {count} examples: the count must lie between 1 and {ResourceLimits.MaxExamples:N0} ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxExamples)})");
        if (count * tokensPerExample > ResourceLimits.MaxDatasetTokens)
            throw new ArgumentException($"task '{request.Task}': {count:N0} examples × {tokensPerExample} tokens exceed the limit of {ResourceLimits.MaxDatasetTokens:N0} tokens ({nameof(ResourceLimits)}.{nameof(ResourceLimits.MaxDatasetTokens)})");
        return (int)count;
    }

    /// <summary>The seed as the generators take it: the same 64 bits, read unsigned.</summary>
    public static ulong Seed(TaskRequest request) => unchecked((ulong)request.Seed);

    /// <summary>A whole-number argument the engine reads as int (the binder bounds lengths to int already).</summary>
    public static int? OptionalInt(TaskRequest request, string name) =>
        request.OptionalInteger(name) is { } value ? checked((int)value) : null;
}
