using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Compiler.Tests.BackEnd;

/// <summary>One call a compiled plan made for its data: the task and arguments as the generated code typed them.</summary>
internal sealed record DatasetRequest(string Task, IReadOnlyList<KeyValuePair<string, object>> Arguments, string BaseDirectory);

/// <summary>Passes every request on and remembers it, so the dump shows what the plan asked for beside what it got.</summary>
internal sealed class RecordingDatasets(IDatasetProvider inner) : IDatasetProvider
{
    public List<DatasetRequest> Requests { get; } = [];

    public Dataset Create(string task, IReadOnlyDictionary<string, object> arguments, string baseDirectory)
    {
        Requests.Add(new DatasetRequest(task, arguments.OrderBy(a => a.Key, StringComparer.Ordinal).ToArray(), baseDirectory));
        return inner.Create(task, arguments, baseDirectory);
    }
}
