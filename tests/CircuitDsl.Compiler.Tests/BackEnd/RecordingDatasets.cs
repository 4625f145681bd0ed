using CircuitDsl.Interventions.Data;

namespace CircuitDsl.Compiler.Tests.BackEnd;

/// <summary>One call a compiled plan made for its data: the request as the generated code built it.</summary>
internal sealed record DatasetRequest(TaskRequest Request, string BaseDirectory);

/// <summary>Passes every request on and remembers it, so the dump shows what the plan asked for beside what it got.</summary>
internal sealed class RecordingDatasets(IDatasetProvider inner) : IDatasetProvider
{
    public List<DatasetRequest> Requests { get; } = [];

    public Dataset Create(TaskRequest request, string baseDirectory)
    {
        Requests.Add(new DatasetRequest(request, baseDirectory));
        return inner.Create(request, baseDirectory);
    }
}
