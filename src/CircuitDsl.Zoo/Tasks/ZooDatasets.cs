using CircuitDsl.Interventions.Data;
using CircuitDsl.Runtime.Tokenization;

namespace CircuitDsl.Zoo.Tasks;

/// <summary>
/// The built-in tasks (<see cref="ZooTasks"/>) as the engine's datasets: <c>repeated_tokens</c>, <c>ioi</c> and
/// <c>parens</c> (made here, seeded) and <c>jsonl</c> (the user's prompts, read with the model's tokenizer).
/// </summary>
/// <param name="tokenizer">The model's tokenizer (see <see cref="TaskEnvironment.Tokenizer"/>).</param>
/// <param name="contextLength">The model's context, the default length of repeated_tokens sequences.</param>
public sealed class ZooDatasets(ITokenizer tokenizer, int contextLength) : IDatasetProvider
{
    /// <inheritdoc />
    public Dataset Create(TaskRequest request, string baseDirectory)
    {
        var source = ZooTasks.Sources.FirstOrDefault(s => s.Definition.Name == request.Task)
            ?? throw new NotSupportedException($"unknown task '{request.Task}'; tasks that can run: {string.Join(", ", ZooTasks.Sources.Select(s => s.Definition.Name))}");
        return source.Create(request, new TaskEnvironment(tokenizer, contextLength, baseDirectory));
    }
}
