using CircuitDsl.Interventions.Data;
using CircuitDsl.Interventions.Plan;
using CircuitDsl.Runtime.Model;
using static TorchSharp.torch;

namespace CircuitDsl.Interventions.Metrics;

/// <summary>
/// The metric readers of one clean run, shared by every experiment that reads the run (a file's hypotheses on the
/// same batches, <see cref="Execution.SharedRuns"/>): one per metric and per what it reads of the references besides
/// their tokens (each example's scored positions and answers), so the clean rows are gathered and scored once. The
/// run owns them.
/// </summary>
internal sealed class MetricReaders : IDisposable
{
    readonly Dictionary<Key, MetricReader> readers = [];

    public MetricReader For(MetricSpec metric, HookedTransformer model, IReadOnlyList<Example> references, Tensor cleanFinal, Tensor? cleanFinalScale)
    {
        var key = new Key(metric, Content(metric, references));
        if (!readers.TryGetValue(key, out var reader))
            readers[key] = reader = new MetricReader(metric, model, references, cleanFinal, cleanFinalScale);
        return reader;
    }

    /// <summary>Per example: its answer and wrong answer (−1 for none), the number of positions the metric scores there, and those positions.</summary>
    static int[] Content(MetricSpec metric, IReadOnlyList<Example> references)
    {
        var content = new List<int>();
        foreach (var example in references)
        {
            var positions = metric.Positions.Resolve(example).Distinct().Order().ToArray();
            content.AddRange([example.Answer ?? -1, example.WrongAnswer ?? -1, positions.Length, .. positions]);
        }
        return [.. content];
    }

    public void Dispose()
    {
        foreach (var reader in readers.Values) reader.Dispose();
        readers.Clear();
    }

    sealed record Key(MetricSpec Metric, int[] Content)
    {
        public bool Equals(Key? other) => other is not null && Metric.Equals(other.Metric) && Content.AsSpan().SequenceEqual(other.Content);
        public override int GetHashCode() => HashCode.Combine(Metric, Content.Length, Content.Length > 0 ? Content[^1] : 0);
    }
}
